// A PostgreSQL database of its own for the benchmark, created fresh and dropped at the end, and
// filled with COPY straight into the engine's `records` table, in the shapes the repositories
// keep (the schema itself comes from the engine's own migrations): at a million subscribers,
// saving them through the store would take longer than what is measured.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import type { Category } from '../src/domain/article.js';
import type { SubscriberRecord } from '../src/domain/newsletter.js';
import { slugify } from '../src/domain/text.js';
import { migrate } from '../src/store/postgres/migrations.js';
import { articleCategories, articleRecord, CATEGORIES, createParagraphPool, seededRandom } from './content.js';

/** The server the benchmark creates its database on (a role that may CREATE DATABASE). */
const SERVER_URL = process.env.BENCH_PG_URL ?? 'postgres://notiziario:notiziario@127.0.0.1:5432/postgres';
const ROWS_PER_CHUNK = 1000;
const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

/**
 * Categories that only the run's subscribers follow, and that hold no article until the
 * benchmark writes some before each run: a run then mails exactly those subscribers.
 */
export const RUN_CATEGORIES: Category[] = ['Cronaca', 'Cultura', 'Sport', 'Scuola', 'Salute', 'Ambiente'].map((name) => ({ slug: slugify(name), name }));

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `notiziario_bench_${randomBytes(4).toString('hex')}`;
  const server = () => postgres(SERVER_URL, { max: 1, onnotice: () => undefined });
  const admin = server();
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const again = server();
      try {
        // An autovacuum worker on it cannot be ended by this role ("must be a member of the role
        // whose process is being terminated"): it finishes in a moment, then the drop goes through.
        for (let attempt = 1; ; attempt++) {
          try {
            await again.unsafe(`drop database if exists "${name}" with (force)`);
            return;
          } catch (err) {
            if (attempt === 5) throw err;
            await new Promise((resolve) => setTimeout(resolve, 2000));
          }
        }
      } finally {
        await again.end();
      }
    },
  };
}

export interface Fill {
  subscribers: number;
  /** The first this many subscribers (run0@…) follow only RUN_CATEGORIES; the others (reader…@) the usual ones. */
  runSubscribers: number;
  articles: number;
  /** Every subscriber's watermark, after the newest article: nobody has anything new until the benchmark writes. */
  now: number;
}

/** The engine's schema, then categories, articles (three years up to an hour before `now`) and subscribers. */
export async function fillDatabase(url: string, fill: Fill): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await migrate(sql);
    const writable = await sql`copy records (collection, id, record) from stdin`.writable();
    await pipeline(Readable.from(copyRows(fill)), writable);
    await sql`analyze records`;
  } finally {
    await sql.end();
  }
}

/** COPY's text format: a row per line, tab-separated; JSON has no raw tab or newline, only backslashes to double. */
const copyLine = (collection: string, id: string, record: unknown) => `${collection}\t${id}\t${JSON.stringify(record).replaceAll('\\', '\\\\')}\n`;

function* copyRows(fill: Fill): Generator<string> {
  yield [...CATEGORIES, ...RUN_CATEGORIES].map((category) => copyLine('categories', category.slug, category)).join('');
  const random = seededRandom(fill.articles);
  const pool = createParagraphPool(7);
  const newest = fill.now - 60 * 60 * 1000;
  const step = (3 * YEAR) / Math.max(1, fill.articles);
  for (let start = 0; start < fill.articles; start += ROWS_PER_CHUNK) {
    let chunk = '';
    for (let index = start; index < Math.min(fill.articles, start + ROWS_PER_CHUNK); index += 1) {
      const article = articleRecord({ index, publishedAt: new Date(newest - (fill.articles - 1 - index) * step), pool, random });
      chunk += copyLine('articles', article.id, article);
    }
    yield chunk;
  }
  const people = seededRandom(fill.subscribers);
  for (let start = 0; start < fill.subscribers; start += ROWS_PER_CHUNK) {
    let chunk = '';
    for (let n = start; n < Math.min(fill.subscribers, start + ROWS_PER_CHUNK); n += 1) {
      const subscriber = subscriberRecord(n, fill, people);
      chunk += copyLine('subscribers', subscriber.id, subscriber);
    }
    yield chunk;
  }
}

/** The address of the run's n-th subscriber. */
export const runAddress = (n: number) => `run${n}@example.org`;

/**
 * A confirmed subscriber. The run's follow a random non-empty subset of RUN_CATEGORIES in the
 * form's order, as the newsletter part's do (up to 63 distinct digests); six in ten give a name.
 */
function subscriberRecord(n: number, fill: Fill, random: () => number): SubscriberRecord {
  const at = new Date(fill.now).toISOString();
  const inRun = n < fill.runSubscribers;
  const mask = 1 + Math.floor(random() * (2 ** RUN_CATEGORIES.length - 1));
  const categories = inRun ? RUN_CATEGORIES.filter((_category, bit) => mask & (1 << bit)) : articleCategories(random);
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    email: inRun ? runAddress(n) : `reader${n}@example.org`,
    ...(random() < 0.6 ? { name: `Lettore ${n + 1}` } : {}),
    categories: categories.map((category) => category.slug),
    status: 'confirmed',
    source: 'import',
    createdAt: new Date(fill.now - 30 * DAY).toISOString(),
    confirmedAt: at,
    watermark: at,
    failures: 0,
  };
}
