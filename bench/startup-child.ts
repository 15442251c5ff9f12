// Run as its own process by the start-up part: opens a DATA_DIR through the real code, listens,
// answers one feed request, and prints one JSON line with the timings and the memory used.
// Usage: node --expose-gc --import tsx bench/startup-child.ts <dataDir>
import { get } from 'node:http';
import pino from 'pino';
import { closeContext, createContext } from '../src/context.js';
import { feedPath } from '../src/feeds/feed-urls.js';
import { startServer } from '../src/http/server.js';
import { SITE_SCOPE } from '../src/store/articles.js';
import { benchConfig, busiestCategory, msSince } from './fixtures.js';

export interface StartupFigures {
  contextMs: number;
  listenMs: number;
  firstFeedMs: number;
  totalMs: number;
  feedStatus: number;
  rssMB: number;
  heapUsedMB: number;
  afterGc: boolean;
}

/** Status of a GET, body read to the end (node:http, not fetch: undici's first load is slow). */
function fetchStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

async function main(dataDir: string): Promise<void> {
  // Config parsing is outside the measured time: it is the same at any store size.
  const config = benchConfig(dataDir);
  const log = pino({ level: 'silent' });
  const start = process.hrtime.bigint();
  const ctx = await createContext(config, { log });
  const contextMs = msSince(start);
  const http = await startServer(ctx, 0, '127.0.0.1');
  const listenMs = msSince(start) - contextMs;
  // A store without articles (a baseline for memory) has only the site's feed.
  const scope = ctx.store.articles.categories(ctx.clock()).length ? busiestCategory(ctx) : SITE_SCOPE;
  const feedStatus = await fetchStatus(http.url + feedPath(scope, 'rss'));
  const totalMs = msSince(start);
  const afterGc = typeof globalThis.gc === 'function';
  if (afterGc) globalThis.gc!();
  const memory = process.memoryUsage();
  const figures: StartupFigures = {
    contextMs,
    listenMs,
    firstFeedMs: totalMs - contextMs - listenMs,
    totalMs,
    feedStatus,
    rssMB: memory.rss / 1024 / 1024,
    heapUsedMB: memory.heapUsed / 1024 / 1024,
    afterGc,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  await http.close();
  // Unlocks DATA_DIR (and flushes: a whole-file write at 100,000 articles, after the figures).
  await closeContext(ctx);
}

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: startup-child.ts <dataDir>');
  process.exit(2);
}
main(dataDir).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('startup-child:', err);
    process.exit(1);
  },
);
