// The store as it grows (issue 8): at N confirmed subscribers and M articles, the subscriber
// changes acknowledged (p99), the cached category feed and the event loop while 50 subscriber
// changes per second arrive, an article write (p99), start-up to the first feed against
// JSON.parse of the same files, and memory per subscriber and per article.
// Sizes: BENCH_STORE_SUBSCRIBERS (default "1000,100000"), BENCH_STORE_ARTICLES (default 100000).
// BENCH_STORE_SKIP_STARTUP=1 leaves out the start-up figures (four child processes per size: on a
// busy machine they take longer than the rest).
// The huge-store part (benchStoreHuge) runs only when BENCH_STORE_HUGE_ARTICLES is set, e.g.
// 500000: a store in the previous version's one-line layout, past 512 MB, started twice.
import { execFile } from 'node:child_process';
import { Agent as HttpAgent, get, type Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createArticle } from '../src/articles/edit-articles.js';
import { closeContext, type AppContext } from '../src/context.js';
import type { SubscriberRecord } from '../src/domain/newsletter.js';
import { feedPath } from '../src/feeds/feed-urls.js';
import { startServer } from '../src/http/server.js';
import { confirmSubscription, unsubscribe, updatePreferences } from '../src/newsletter/subscriptions.js';
import { createToken } from '../src/newsletter/tokens.js';
import { CONTENT_SNAPSHOT, NEWSLETTER_SNAPSHOT } from '../src/store/schema.js';
import { CONTENT_FILE, NEWSLETTER_FILE } from '../src/store/store.js';
import { articleCategories, articleHtml, articleRecord, articleTitle, CATEGORIES, createParagraphPool, seededRandom } from './content.js';
import { busiestCategory, msSince, openBenchContext, tempDir } from './fixtures.js';
import type { Report } from './report.js';
import { runStartupChild, type StartupRun } from './store-scale.js';

const CHANGES_PER_SECOND = 50;
const CHANGE_SECONDS = 10;
const ARTICLE_WRITES = 30;
const NOW = Date.now();

const sizes = (name: string, fallback: string) => (process.env[name] ?? fallback).split(',').filter(Boolean).map(Number);
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;
const megabytes = (bytes: number) => bytes / 1024 / 1024;

/** Part 7: the store at each size of BENCH_STORE_SUBSCRIBERS, with BENCH_STORE_ARTICLES articles. */
export async function benchStoreGrowth(report: Report): Promise<void> {
  const [articles = 100_000] = sizes('BENCH_STORE_ARTICLES', '100000');
  for (const subscribers of sizes('BENCH_STORE_SUBSCRIBERS', '1000,100000')) {
    const part = `store, ${subscribers.toLocaleString('en-US')} subscribers + ${articles.toLocaleString('en-US')} articles`;
    report.progress(`${part}: writing the files`);
    const dataDir = await tempDir(`growth-${subscribers}`);
    await writeContentFile(path.join(dataDir, CONTENT_FILE), articles, 'records');
    await writeSubscribersFile(path.join(dataDir, NEWSLETTER_FILE), subscribers);
    if (!process.env.BENCH_STORE_SKIP_STARTUP) await measureStartup(report, part, dataDir, subscribers, articles);
    report.progress(`${part}: subscriber changes, feeds and article writes`);
    const ctx = await openBenchContext(dataDir);
    try {
      await measureChanges(report, part, ctx);
      await measureArticleWrites(report, part, ctx);
      await measureCompaction(report, part, ctx);
    } finally {
      await closeContext(ctx);
    }
  }
}

/** Part 8 (only with BENCH_STORE_HUGE_ARTICLES): a store past 512 MB in the previous layout. */
export async function benchStoreHuge(report: Report): Promise<void> {
  const [articles] = sizes('BENCH_STORE_HUGE_ARTICLES', '');
  if (!articles) return report.progress('store, huge: skipped (set BENCH_STORE_HUGE_ARTICLES, e.g. 500000)');
  const part = `store, ${articles.toLocaleString('en-US')} articles, previous version's one-line file`;
  const dataDir = await tempDir(`huge-${articles}`);
  report.progress(`${part}: writing the file`);
  await writeContentFile(path.join(dataDir, CONTENT_FILE), articles, 'one line');
  report.figure(part, 'file size (past 512 MB: no longer one string)', megabytes((await stat(path.join(dataDir, CONTENT_FILE))).size), 'MB');
  for (const label of ['first start (migrates to a record per line)', 'second start']) {
    report.progress(`${part}: ${label}`);
    const figures = await runStartupChild(dataDir);
    report.figure(part, `${label}: to the first feed`, figures.totalMs / 1000, 's', `feed answered ${figures.feedStatus} · RSS ${figures.rssMB.toFixed(0)} MB · heap ${figures.heapUsedMB.toFixed(0)} MB`);
  }
  const ctx = await openBenchContext(dataDir);
  try {
    await measureArticleWrites(report, part, ctx);
  } finally {
    await closeContext(ctx);
  }
}

async function measureStartup(report: Report, part: string, dataDir: string, subscribers: number, articles: number): Promise<void> {
  report.progress(`${part}: start-up in a child process, then JSON.parse of the same files`);
  const figures = await runStartupChild(dataDir);
  const parseMs = await timeJsonParse([CONTENT_FILE, NEWSLETTER_FILE].map((file) => path.join(dataDir, file)));
  const empty = await runStartupChild(await emptyStore());
  report.figure(part, 'start-up to the first feed', figures.totalMs / 1000, 's', `JSON.parse of the same files ${(parseMs / 1000).toFixed(2)} s · RSS ${figures.rssMB.toFixed(0)} MB (empty store ${empty.rssMB.toFixed(0)} MB)`);
  report.ratio(`${part}: start-up / JSON.parse`, figures.totalMs / parseMs, { atMost: 3 });
  // Heap after GC of a store of only these subscribers, over an empty store's: what one costs.
  const subscribersOnly = await tempDir(`subscribers-only-${subscribers}`);
  await writeContentFile(path.join(subscribersOnly, CONTENT_FILE), 0, 'records');
  await writeSubscribersFile(path.join(subscribersOnly, NEWSLETTER_FILE), subscribers);
  const heapPer = (store: { heapUsedMB: number }, count: number) => ((store.heapUsedMB - empty.heapUsedMB) * 1024 * 1024) / Math.max(1, count);
  report.figure(part, 'heap per subscriber', heapPer(await runStartupChild(subscribersOnly), subscribers), 'bytes', 'a store of subscribers only, over an empty one (after GC)');
  report.figure(part, 'heap per article', heapPer(await articlesOnly(articles), articles), 'bytes', `a store of articles only, over an empty one (after GC); whole store heap ${figures.heapUsedMB.toFixed(0)} MB`);
}

/**
 * JSON.parse of these files, in a process of its own as the start-up is: parsed here, a million
 * subscribers' garbage (a gigabyte) was collected during the next measurement in this process,
 * and the subscribe p99 right after it read 60–100 ms.
 */
async function timeJsonParse(files: string[]): Promise<number> {
  const script = `const { readFileSync } = require('node:fs'); let ms = 0;
    for (const file of process.argv.slice(1)) { const text = readFileSync(file, 'utf8'); const start = process.hrtime.bigint(); JSON.parse(text); ms += Number(process.hrtime.bigint() - start) / 1e6; }
    console.log(ms);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, ...files], { maxBuffer: 1024 });
  return Number(stdout);
}

const articleStores = new Map<number, Promise<StartupRun>>();
/** Start-up figures of a store of these articles and no subscribers (once per size). */
function articlesOnly(articles: number): Promise<StartupRun> {
  if (!articleStores.has(articles)) {
    articleStores.set(
      articles,
      tempDir(`articles-only-${articles}`).then(async (dir) => {
        await writeContentFile(path.join(dir, CONTENT_FILE), articles, 'records');
        return runStartupChild(dir);
      }),
    );
  }
  return articleStores.get(articles)!;
}

let emptyDir: Promise<string> | undefined;
function emptyStore(): Promise<string> {
  emptyDir ??= tempDir('empty').then(async (dir) => {
    await writeContentFile(path.join(dir, CONTENT_FILE), 0, 'records');
    return dir;
  });
  return emptyDir;
}

/**
 * 50 subscriber changes per second for 10 s (subscribe, confirm, preferences, unsubscribe): first
 * alone, for their acknowledgement; then with a feed reader polling the cached category feed
 * back to back, for the feed's latency and the event loop.
 */
async function measureChanges(report: Report, part: string, ctx: AppContext): Promise<void> {
  const alone = await subscriberChanges(ctx, 0);
  for (const [name, values] of Object.entries(alone.acks)) report.figure(part, `${name} acknowledged, p99`, p99(values), 'ms', `${values.length} changes, 50/s${alone.failed ? ` (${alone.failed} failed)` : ''}`);

  const http = await startServer(ctx, 0, '127.0.0.1');
  const agent = new HttpAgent({ keepAlive: true });
  const feedUrl = http.url + feedPath(busiestCategory(ctx), 'rss');
  const feedMs: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 5 });
  // Garbage collection pauses the event loop too: the longest one tells the store's blocks from V8's.
  let longestGcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
  });
  let mixed: Awaited<ReturnType<typeof subscriberChanges>>;
  let onCpu: () => number;
  let longestOnCpuMs = 0;
  try {
    await fetchStatus(feedUrl, agent); // the feed is cached from here on
    gc.observe({ entryTypes: ['gc'] });
    delay.enable();
    onCpu = watchOnCpuStretches();
    let polling = true;
    const reader = (async () => {
      while (polling) {
        const start = process.hrtime.bigint();
        await fetchStatus(feedUrl, agent);
        feedMs.push(msSince(start));
      }
    })();
    mixed = await subscriberChanges(ctx, CHANGES_PER_SECOND * CHANGE_SECONDS);
    polling = false;
    await reader;
    delay.disable();
    longestOnCpuMs = onCpu();
  } finally {
    gc.disconnect();
    agent.destroy();
    await http.close();
  }
  const mixedAcks = Object.values(mixed.acks).flat();
  report.figure(part, 'cached category feed during 50 changes/s, p99', p99(feedMs), 'ms', `${feedMs.length} requests back to back · the changes' p99 meanwhile ${p99(mixedAcks).toFixed(0)} ms`);
  report.figure(part, 'longest event-loop block during 50 changes/s', delay.max / 1e6, 'ms', `of which on a CPU at most ${longestOnCpuMs.toFixed(0)} ms · longest GC pause meanwhile ${longestGcMs.toFixed(0)} ms · load average ${loadavg()[0]!.toFixed(1)}`);
}

/** CHANGES_PER_SECOND × CHANGE_SECONDS changes, people numbered from `first / 4`. */
async function subscriberChanges(ctx: AppContext, first: number): Promise<{ acks: Record<string, number[]>; failed: number }> {
  const acks: Record<string, number[]> = { subscribe: [], confirm: [], preferences: [], unsubscribe: [] };
  const changes: Promise<void>[] = [];
  let failed = 0;
  // A person's four steps are 20 ms apart: each waits for the one before (a confirmation needs the subscription).
  let previous = Promise.resolve();
  for (let n = first; n < first + CHANGES_PER_SECOND * CHANGE_SECONDS; n += 1) {
    const after = n % 4 ? previous : Promise.resolve();
    previous = after.then(() => subscriberLifecycleStep(ctx, n, acks)).catch(() => void (failed += 1));
    changes.push(previous);
    await new Promise((resolve) => setTimeout(resolve, 1000 / CHANGES_PER_SECOND));
  }
  await Promise.all(changes);
  return { acks, failed };
}

/** One of four steps of a person's subscription, in turn; the time to its acknowledgement. */
async function subscriberLifecycleStep(ctx: AppContext, n: number, acks: Record<string, number[]>): Promise<void> {
  const person = n >> 2;
  const id = `00000000-0000-4000-9000-${String(person).padStart(12, '0')}`;
  const token = createToken(ctx.config.secret, id, n % 4 === 1 ? 'confirm' : 'manage');
  const step = n % 4;
  const start = process.hrtime.bigint();
  if (step === 0) {
    const now = new Date().toISOString();
    await ctx.store.newsletter.saveSubscribers([{ id, email: `new${person}@example.org`, categories: [], status: 'pending', source: 'form', createdAt: now, failures: 0 }]);
  } else if (step === 1) await confirmSubscription(ctx, token);
  else if (step === 2) await updatePreferences(ctx, token, [CATEGORIES[0]!.slug]);
  else await unsubscribe(ctx, token);
  acks[['subscribe', 'confirm', 'preferences', 'unsubscribe'][step]!]!.push(msSince(start));
}

async function measureArticleWrites(report: Report, part: string, ctx: AppContext): Promise<void> {
  const random = seededRandom(77);
  const pool = createParagraphPool(3);
  const times: number[] = [];
  for (let n = 0; n < ARTICLE_WRITES; n += 1) {
    const input = { title: `Scritto ora ${articleTitle(random, n)}`, contentHtml: articleHtml(random, pool, 1500), categories: articleCategories(random).map((c) => c.name), status: 'published' as const };
    const start = process.hrtime.bigint();
    const article = await createArticle(ctx, input);
    // Acknowledged, and its category's feed rendered again (the cache renders on the next request).
    ctx.feeds.get(article.categories[0]!, 'rss', 1);
    times.push(msSince(start));
  }
  report.figure(part, 'article write acknowledged + its feed re-rendered, p99', p99(times), 'ms', `${ARTICLE_WRITES} writes, one after the other`);
}

/**
 * A compaction of the whole store (what the journal triggers past 64 MB, and what an erasure
 * asks for), and the event loop meanwhile: the longest block, the longest GC pause among them,
 * and the CPU time of this thread, which tells the store's own blocks from waits for a busy machine.
 */
async function measureCompaction(report: Report, part: string, ctx: AppContext): Promise<void> {
  // A change first, so that every snapshot is written again.
  await ctx.store.newsletter.updateSubscriber(ctx.store.newsletter.allSubscribers()[0]!.id, { name: 'Compattata' });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let longestGcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  delay.enable();
  const onCpu = watchOnCpuStretches();
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await ctx.store.compact();
  const ms = msSince(start);
  const { user, system } = process.cpuUsage(cpu);
  const longestOnCpuMs = onCpu();
  delay.disable();
  gc.disconnect();
  report.figure(
    part,
    'compaction (snapshots rewritten), in the background',
    ms / 1000,
    's',
    `event loop blocked up to ${(delay.max / 1e6).toFixed(0)} ms meanwhile (p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms), of which on a CPU at most ${longestOnCpuMs.toFixed(0)} ms; longest GC pause ${longestGcMs.toFixed(0)} ms · ` +
      `CPU ${((user + system) / 1e6).toFixed(1)} s (process) · load average ${loadavg()[0]!.toFixed(1)}`,
  );
}

/**
 * Watches the main thread until the returned function is called, which gives the longest time
 * it spent on a CPU between two ticks of a 5 ms timer: the event loop's longest block by its own
 * work (GC included), which waits for a CPU on a busy machine do not lengthen (Linux schedstat).
 */
function watchOnCpuStretches(): () => number {
  const onCpuMs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  let last = onCpuMs();
  let longest = 0;
  const timer = setInterval(() => {
    const now = onCpuMs();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  return () => {
    clearInterval(timer);
    return longest;
  };
}

function fetchStatus(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** A content file of `count` articles: a record per line (this version), or one line (the previous one). */
export async function writeContentFile(file: string, count: number, layout: 'records' | 'one line'): Promise<void> {
  const random = seededRandom(count);
  const pool = createParagraphPool(7);
  const step = (3 * 365 * 24 * 3600 * 1000) / Math.max(1, count);
  const newline = layout === 'records' ? '\n' : '';
  const handle = await open(file, 'w', 0o600);
  try {
    const version = layout === 'records' ? `${CONTENT_SNAPSHOT.version},"journalSeq":0` : '2';
    await handle.write(`{"schemaVersion":${version},${newline}"retiredSlugs":[],${newline}"categories":[${CATEGORIES.map((c) => JSON.stringify(c)).join(',')}],${newline}"articles":[`);
    for (let start = 0; start < count; start += 1000) {
      const batch: string[] = [];
      for (let index = start; index < Math.min(count, start + 1000); index += 1) {
        batch.push(JSON.stringify(articleRecord({ index, publishedAt: new Date(NOW - 3_600_000 - (count - 1 - index) * step), pool, random })));
      }
      await handle.write(`${start ? ',' : ''}${newline}${batch.join(`,${newline}`)}`);
    }
    await handle.write(`${newline}]}${newline}`);
  } finally {
    await handle.close();
  }
}

/** A newsletter file of `count` confirmed subscribers, in id order as the store writes it. */
export async function writeSubscribersFile(file: string, count: number): Promise<void> {
  const random = seededRandom(count + 1);
  const handle = await open(file, 'w', 0o600);
  const at = new Date(NOW - 30 * 24 * 3600 * 1000).toISOString();
  try {
    await handle.write(`{"schemaVersion":${NEWSLETTER_SNAPSHOT.version},"journalSeq":0,\n"runs":[\n],\n"subscribers":[`);
    for (let start = 0; start < count; start += 1000) {
      const batch: string[] = [];
      for (let n = start; n < Math.min(count, start + 1000); n += 1) {
        const subscriber: SubscriberRecord = {
          id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          email: `reader${n}@example.org`,
          categories: articleCategories(random).map((category) => category.slug),
          status: 'confirmed',
          source: 'import',
          createdAt: at,
          confirmedAt: at,
          watermark: at,
          failures: 0,
        };
        batch.push(JSON.stringify(subscriber));
      }
      await handle.write(`${start ? ',' : ''}\n${batch.join(',\n')}`);
    }
    await handle.write('\n]}\n');
  } finally {
    await handle.close();
  }
}
