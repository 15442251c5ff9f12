// Data for the benchmark: temporary DATA_DIRs, a content file of N articles written directly in
// the shape of src/store/schema.ts (ContentData), and the real context opened over them with a quiet logger.
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config.js';
import { createContext, type AppContext } from '../src/context.js';
import { CONTENT_SNAPSHOT } from '../src/store/schema.js';
import { CONTENT_FILE } from '../src/store/store.js';
import { articleRecord, CATEGORIES, createParagraphPool, seededRandom } from './content.js';

const BASE_URL = 'https://notiziario.example.org';
const YEARS_OF_ARCHIVE = 3;
const YEAR = 365 * 24 * 60 * 60 * 1000;

let root: Promise<string> | undefined;
const stores = new Map<number, Promise<string>>();

/** A fresh directory under the run's temporary root. */
export async function tempDir(name: string): Promise<string> {
  root ??= mkdtemp(path.join(tmpdir(), 'notiziario-bench-'));
  const dir = path.join(await root, `${name}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Deletes every directory the run created (the 100,000-article file is ~200 MB). */
export async function removeTempDirs(): Promise<void> {
  if (root) await rm(await root, { recursive: true, force: true });
  root = undefined;
  stores.clear();
}

/** The config the service would parse from this environment; no process.env is read. */
export function benchConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    BASE_URL,
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    SECRET: 'bench-secret-0123456789abcdef',
    ...env,
  });
}

/** The real context (store, feed cache) over a DATA_DIR, logging nothing. */
export function openBenchContext(dataDir: string): Promise<AppContext> {
  return createContext(benchConfig(dataDir), { log: pino({ level: 'silent' }) });
}

/**
 * A DATA_DIR holding a store of `count` articles, written once per run and shared by the parts
 * that need it. Parts may add a few articles to it; none removes any.
 */
export function storeWithArticles(count: number): Promise<string> {
  let pending = stores.get(count);
  if (!pending) {
    pending = tempDir(`store-${count}`).then(async (dir) => {
      await writeStoreFile(path.join(dir, CONTENT_FILE), count);
      return dir;
    });
    stores.set(count, pending);
  }
  return pending;
}

/** Size of a DATA_DIR's content file (the one holding the articles) in MB. */
export async function storeFileMegabytes(dataDir: string): Promise<number> {
  return (await stat(path.join(dataDir, CONTENT_FILE))).size / 1024 / 1024;
}

/**
 * Writes the store file in batches, oldest article first as the store appends them, so the
 * benchmark process never holds the whole file as one string.
 */
async function writeStoreFile(file: string, count: number): Promise<void> {
  const random = seededRandom(count);
  const pool = createParagraphPool(7);
  const newest = Date.now() - 60 * 60 * 1000;
  const step = (YEARS_OF_ARCHIVE * YEAR) / count;
  const handle = await open(file, 'w', 0o600);
  try {
    // The layout the store writes: a record per line.
    const categories = CATEGORIES.map((category) => JSON.stringify(category)).join(',\n');
    await handle.write(`{"schemaVersion":${CONTENT_SNAPSHOT.version},"journalSeq":0,\n"retiredSlugs":[\n],\n"categories":[\n${categories}\n],\n"articles":[`);
    const batchSize = 1000;
    for (let start = 0; start < count; start += batchSize) {
      const batch: string[] = [];
      for (let index = start; index < Math.min(count, start + batchSize); index += 1) {
        const publishedAt = new Date(newest - (count - 1 - index) * step);
        batch.push(JSON.stringify(articleRecord({ index, publishedAt, pool, random })));
      }
      await handle.write(`${start === 0 ? '' : ','}\n${batch.join(',\n')}`);
    }
    await handle.write('\n]}\n');
  } finally {
    await handle.close();
  }
}

/** The category with the most due articles: its first feed page is full (20 items). */
export function busiestCategory(ctx: AppContext): string {
  const counts = ctx.store.articles.categories(ctx.clock());
  return counts.reduce((best, category) => (category.count > best.count ? category : best)).slug;
}

/** Median of a list of numbers (the list is not changed). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds since a process.hrtime.bigint() reading. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
