// The only module that imports node-cron: it maps NEWSLETTER_CRON (in TIMEZONE) to the job.
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../context.js';

export function scheduleNewsletter(ctx: AppContext): ScheduledTask {
  const log = ctx.log.child({ job: 'newsletter' });
  return cron.schedule(
    ctx.config.newsletterCron,
    async () => {
      // A run started by hand is still going: this tick is skipped, not an error.
      if (ctx.newsletter.isRunning) return void log.info('a newsletter run is in progress; this tick is skipped');
      try {
        await ctx.newsletter.run('schedule');
      } catch (err) {
        log.error({ err }, 'scheduled newsletter run failed');
      }
    },
    {
      name: 'newsletter',
      timezone: ctx.config.timezone,
      noOverlap: true,
      logger: {
        info: (message) => log.info(message),
        warn: (message) => log.warn(message),
        error: (message, err) => log.error({ err: err ?? message }, String(message)),
        debug: (message) => log.debug(String(message)),
      },
    },
  );
}
