// Composition root: config → context → HTTP server and the newsletter schedule; a graceful stop
// on SIGTERM/SIGINT that stops accepting, finishes writes and exits 0.
import { ConfigError, loadConfig, readDotEnv } from './config.js';
import { closeContext, createContext } from './context.js';
import { startServer } from './http/server.js';
import { scheduleNewsletter } from './jobs/scheduler.js';
import { seedDemoContent } from './seed/seed-demo.js';

async function main(): Promise<void> {
  readDotEnv();
  const config = loadConfig();
  const ctx = await createContext(config);
  if (ctx.store.created) await seedDemoContent(ctx);
  const http = await startServer(ctx);
  const schedule = scheduleNewsletter(ctx);
  ctx.websub.start();
  ctx.ingest.start();
  ctx.log.info({ url: http.url, baseUrl: config.baseUrl, dataDir: config.dataDir, mail: config.smtpUrl ? 'smtp' : 'outbox' }, 'notiziario is listening');
  if (config.adminTokenFile) ctx.log.info({ file: config.adminTokenFile }, 'admin token saved here (mode 0600); send it as Authorization: Bearer …');
  ctx.log.info({ cron: config.newsletterCron, timezone: config.timezone, next: schedule.digest.getNextRun() }, 'newsletter scheduled');
  // A run that a crash interrupted finishes now, in the background.
  ctx.newsletter.resume().catch((err: unknown) => ctx.log.error({ err }, 'unable to resume the interrupted newsletter run'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ signal }, 'stopping');
    try {
      await schedule.stop();
      // A run in progress pauses first, so a manual run's request can be answered and closed.
      await ctx.newsletter.stop();
      await http.close();
      await closeContext(ctx);
    } catch (err) {
      ctx.log.error({ err }, 'unable to stop cleanly');
      process.exit(1);
    }
    ctx.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `notiziario: unable to start: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
