// `npm run newsletter`: runs the newsletter job now, with a progress bar and a summary. When the
// service is running it owns DATA_DIR, so the run is asked of it over HTTP instead.
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig, readDotEnv, type Config } from '../config.js';
import { closeContext, createContext } from '../context.js';
import type { RunRecord } from '../domain/newsletter.js';
import { createLogger } from '../log.js';
import { lockOwner } from '../store/lock.js';

async function runInProcess(config: Config): Promise<RunRecord> {
  const ctx = await createContext(config, { log: createLogger({ level: 'warn' }) });
  const bar = new cliProgress.SingleBar({ format: 'newsletter |{bar}| {value}/{total} digests · {eta_formatted} left', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  // Ctrl-C lets the sends in flight finish and leaves the rest for the next run, like SIGTERM.
  process.once('SIGINT', () => void ctx.newsletter.stop());
  try {
    return await ctx.newsletter.run('manual', (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
    await closeContext(ctx);
  }
}

async function runInService(config: Config, pid: number): Promise<RunRecord> {
  console.log(`The service (pid ${pid}) owns ${config.dataDir}: asking it to run the newsletter…`);
  const response = await fetch(`http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/api/newsletter/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.adminToken}` },
  });
  const body = (await response.json()) as RunRecord & { detail?: string };
  if (!response.ok) throw new Error(`the service answered ${response.status}: ${body.detail ?? response.statusText}`);
  return body;
}

async function main(): Promise<void> {
  readDotEnv();
  const config = loadConfig();
  const owner = lockOwner(config.dataDir);
  const run = owner ? await runInService(config, owner) : await runInProcess(config);
  const { sent, skipped, deferred, failed } = run.counts;
  console.log(`newsletter run ${run.id}: ${sent} sent, ${skipped} skipped (nothing new), ${deferred} deferred (retried later), ${failed} failed`);
  console.log(config.smtpUrl ? `mail went to ${new URL(config.smtpUrl).host}` : `mail was written to ${config.dataDir}/outbox/`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `newsletter: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
