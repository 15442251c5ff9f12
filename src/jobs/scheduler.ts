// The only module that imports node-cron: NEWSLETTER_CRON (in TIMEZONE) runs the newsletter job
// for subscribers without a rhythm, a tick every minute sends to those whose rhythm makes them
// due, and a quarter-hourly tick retries the deliveries that were deferred, once their backoff is over.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { AppContext } from '../context.js';

/** How often deferred deliveries are looked at: the shortest backoff is 15 minutes. */
const RETRY_CRON = '*/15 * * * *';
/** Subscribers choose a local hour; zones are offset by whole, half and quarter hours. */
const DUE_CRON = '* * * * *';

export interface NewsletterSchedule {
  digest: ScheduledTask;
  due: ScheduledTask;
  retries: ScheduledTask;
  stop(): Promise<void>;
}

export function scheduleNewsletter(ctx: AppContext): NewsletterSchedule {
  const log = ctx.log.child({ job: 'newsletter' });
  const options = (name: string) => ({ name, timezone: ctx.config.timezone, noOverlap: true, logger: cronLogger(log) });
  // A run in progress (started by hand, or the other task): this tick is skipped, not an error.
  const tick = (what: string, job: () => Promise<unknown>) => async () => {
    // Every instance has the schedule; the leader alone acts on it (the others join its runs).
    if (!ctx.store.leadership.holds()) return;
    if (ctx.newsletter.isRunning) return void log.info(`a newsletter run is in progress; this ${what} tick is skipped`);
    try {
      await job();
    } catch (err) {
      log.error({ err }, `scheduled ${what} failed`);
    }
  };
  const digest = cron.schedule(ctx.config.newsletterCron, tick('newsletter run', () => ctx.newsletter.run('schedule')), options('newsletter'));
  const due = cron.schedule(DUE_CRON, tick('due digests', () => ctx.newsletter.sendDue()), options('newsletter-due'));
  const retries = cron.schedule(RETRY_CRON, tick('retry of deferred deliveries', () => ctx.newsletter.retryDeferred()), options('newsletter-retries'));
  return {
    digest,
    due,
    retries,
    async stop() {
      await digest.stop();
      await due.stop();
      await retries.stop();
    },
  };
}

function cronLogger(log: Logger) {
  return {
    info: (message: string) => log.info(message),
    warn: (message: string) => log.warn(message),
    error: (message: string | Error, err?: Error) => log.error({ err: err ?? message }, String(message)),
    debug: (message: string | Error) => log.debug(String(message)),
  };
}
