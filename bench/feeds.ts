// Feed parts: a cached category feed served by the real service against a bare node:http
// baseline (200 and 304), and the time to build one feed page at 1,000 and 100,000 articles.
import { createArticle } from '../src/articles/edit-articles.js';
import { closeContext, type AppContext } from '../src/context.js';
import { createFeedCache } from '../src/feeds/feed-cache.js';
import { feedPath } from '../src/feeds/feed-urls.js';
import { startServer, type RunningServer } from '../src/http/server.js';
import { captureFeed, startBareServer } from './bare-server.js';
import { articleCategories, articleHtml, articleTitle, createParagraphPool, seededRandom } from './content.js';
import { busiestCategory, median, msSince, openBenchContext, storeWithArticles, tempDir } from './fixtures.js';
import { CONNECTIONS, measureLoad, MEASURE_SECONDS, wholeMs, type LoadResult } from './load.js';
import type { Report } from './report.js';

const SERVICE_ARTICLES = 100;
const SERVICE_HTML_BYTES = 3000;
const BUILDS = 50;
const WARM_UP_BUILDS = 5;

/** Parts 1 and 2: the cached category RSS feed, 200 and 304, service against bare node:http. */
export async function benchFeedServing(report: Report): Promise<void> {
  report.progress(`feeds: creating ${SERVICE_ARTICLES} articles through createArticle`);
  const { ctx, http } = await startServiceWithArticles();
  try {
    const scope = busiestCategory(ctx);
    const feedUrl = http.url + feedPath(scope, 'rss');
    const feed = await captureFeed(feedUrl);
    const bare = await startBareServer(feed);
    try {
      const part = `category RSS, ${(feed.body.length / 1024).toFixed(0)} KB`;
      report.progress(`feeds: ${CONNECTIONS} connections, ${MEASURE_SECONDS} s per run, ${feedPath(scope, 'rss')}`);
      const bareUrl = bare.url + feedPath(scope, 'rss');
      await compareServers(report, ctx, `${part}, 200`, feedUrl, bareUrl, {}, 200);
      await compareServers(report, ctx, `${part}, 304`, feedUrl, bareUrl, { 'if-none-match': feed.etag }, 304);
    } finally {
      await bare.close();
    }
  } finally {
    await http.close();
    await closeContext(ctx);
  }
}

async function startServiceWithArticles(): Promise<{ ctx: AppContext; http: RunningServer }> {
  const ctx = await openBenchContext(await tempDir('service'));
  const random = seededRandom(42);
  const pool = createParagraphPool(3);
  const newest = Date.now() - 60 * 60 * 1000;
  for (let index = 0; index < SERVICE_ARTICLES; index += 1) {
    await createArticle(ctx, {
      title: articleTitle(random, index),
      contentHtml: articleHtml(random, pool, SERVICE_HTML_BYTES),
      author: 'Ufficio Stampa',
      categories: articleCategories(random).map((category) => category.name),
      imageUrl: `https://images.example.org/notiziario/${index}.jpg`,
      publishedAt: new Date(newest - (SERVICE_ARTICLES - index) * 3_600_000).toISOString(),
      status: 'published',
    });
  }
  return { ctx, http: await startServer(ctx, 0, '127.0.0.1') };
}

/**
 * Measures service and baseline twice in the order A B B A, so neither always runs on a warmer
 * machine, and records the mean of the two runs of each.
 */
async function compareServers(
  report: Report,
  ctx: AppContext,
  part: string,
  serviceUrl: string,
  bareUrl: string,
  headers: Record<string, string>,
  expectStatus: number,
): Promise<void> {
  const service: LoadResult[] = [];
  const bare: LoadResult[] = [];
  const rendersBefore = ctx.feeds.renders;
  for (const [first, second] of [['service', 'bare'], ['bare', 'service']] as const) {
    for (const which of [first, second]) {
      report.progress(`feeds: ${part}, ${which}`);
      const url = which === 'service' ? serviceUrl : bareUrl;
      (which === 'service' ? service : bare).push(await measureLoad({ url, headers, expectStatus }));
    }
  }
  const renders = ctx.feeds.renders - rendersBefore;
  const serviceRps = mean(service.map((r) => r.requestsPerSecond));
  const bareRps = mean(bare.map((r) => r.requestsPerSecond));
  report.figure(part, 'notiziario (createContext + startServer)', serviceRps, 'req/s', `${describeRuns(service)} · ${renders} renders during load`);
  report.figure(part, 'bare node:http, same bytes + headers', bareRps, 'req/s', describeRuns(bare));
  report.ratio(`${part}: notiziario / bare req/s`, serviceRps / bareRps, { atLeast: 0.9 });
}

/** "runs 7,693 & 6,710 req/s · p50 1 & 1 ms · p99 3 & 5 ms · …": both runs side by side. */
function describeRuns(runs: LoadResult[]): string {
  const each = (value: (r: LoadResult) => string) => runs.map(value).join(' & ');
  const unexpected = runs.reduce((sum, r) => sum + r.unexpected, 0);
  return [
    `runs ${each((r) => Math.round(r.requestsPerSecond).toLocaleString('en-US'))} req/s`,
    `p50 ${each((r) => wholeMs(r.latencyP50))} ms`,
    `p99 ${each((r) => wholeMs(r.latencyP99))} ms`,
    `mean ${each((r) => r.latencyMean.toFixed(2))} ms`,
    unexpected ? `${unexpected} UNEXPECTED answers` : 'all answers as expected',
  ].join(' · ');
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Part 3: median time to build (select, render, hash) a 20-item category RSS page. */
export async function benchFeedBuild(report: Report): Promise<void> {
  const medians = new Map<number, number>();
  for (const count of [1_000, 100_000]) {
    report.progress(`feed build: preparing a store of ${count.toLocaleString('en-US')} articles`);
    const ctx = await openBenchContext(await storeWithArticles(count));
    let builds: Builds;
    try {
      builds = timeBuilds(ctx);
    } finally {
      // Unlocks DATA_DIR for the start-up part's child processes.
      await closeContext(ctx);
    }
    const { times, bytes, items } = builds;
    const value = median(times);
    medians.set(count, value);
    report.figure(
      `feed build, ${count.toLocaleString('en-US')} articles`,
      `category RSS page (${items} items, ${(bytes / 1024).toFixed(0)} KB)`,
      value,
      'ms',
      `median of ${BUILDS} · min ${Math.min(...times).toFixed(2)} · max ${Math.max(...times).toFixed(2)} ms`,
    );
  }
  report.ratio('feed build: 100k / 1k articles', medians.get(100_000)! / medians.get(1_000)!, { atMost: 1.5 });
}

interface Builds {
  times: number[];
  bytes: number;
  items: number;
}

/**
 * Each build gets a fresh FeedCache over the same store, so nothing is served from a previous
 * render; the store itself (indexes, articles) is what a running service would have. (Each
 * cache adds a change listener to the store: harmless here, the context is closed afterwards.)
 */
function timeBuilds(ctx: AppContext): Builds {
  const scope = busiestCategory(ctx);
  const times: number[] = [];
  let body: Buffer | undefined;
  for (let build = 0; build < WARM_UP_BUILDS + BUILDS; build += 1) {
    const cache = createFeedCache(ctx.store.articles, ctx.site, ctx.clock);
    const start = process.hrtime.bigint();
    body = cache.get(scope, 'rss', 1).body;
    if (build >= WARM_UP_BUILDS) times.push(msSince(start));
  }
  const text = body!.toString('utf8');
  return { times, bytes: body!.length, items: text.split('<item>').length - 1 };
}
