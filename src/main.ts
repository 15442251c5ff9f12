// Composition root: config → context → HTTP server (and the newsletter scheduler); a graceful
// stop on SIGTERM/SIGINT that stops accepting, finishes writes and exits 0.
import { ConfigError, loadConfig, readDotEnv } from './config.js';
import { createContext } from './context.js';
import { startServer } from './http/server.js';
import { seedDemoContent } from './seed/seed-demo.js';

async function main(): Promise<void> {
  readDotEnv();
  const config = loadConfig();
  const ctx = await createContext(config);
  if (ctx.store.created) await seedDemoContent(ctx);
  const http = await startServer(ctx);
  ctx.log.info({ url: http.url, baseUrl: config.baseUrl, dataDir: config.dataDir }, 'notiziario is listening');
  if (config.adminTokenFile) ctx.log.info({ file: config.adminTokenFile }, 'admin token saved here (mode 0600); send it as Authorization: Bearer …');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ signal }, 'stopping');
    await http.close();
    await ctx.store.flush();
    ctx.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('notiziario: unable to start:', err);
  }
  process.exit(1);
});
