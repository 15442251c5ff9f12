// Ingest part: BENCH_INGEST_SOURCES sources (200 unless told) of BENCH_INGEST_ITEMS items each
// (50) on a loopback upstream. The first full cycle (every source added and imported,
// FETCH_CONCURRENCY at a time): items imported per second; a second cycle where every source
// answers 304: its time and the bytes the upstream sent; the process's memory after both.
import { createServer } from 'node:http';
import pino from 'pino';
import { closeContext, createContext } from '../src/context.js';
import { FETCH_CONCURRENCY } from '../src/ingest/ingest.js';
import { benchConfig, msSince, tempDir } from './fixtures.js';
import type { Report } from './report.js';

const SOURCES = Number(process.env.BENCH_INGEST_SOURCES ?? 200);
const ITEMS = Number(process.env.BENCH_INGEST_ITEMS ?? 50);
const PART = 'ingest';

/** An RSS feed as a small WordPress writes it: ~1 KB of HTML per item. */
function feed(source: number): string {
  const items = Array.from({ length: ITEMS }, (_, n) => {
    const text = `<p>Paragraph ${n} of source ${source}. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(15)}</p>`;
    return `<item><title>Source ${source}, story ${n}</title><link>https://s${source}.example/${n}</link><guid isPermaLink="false">s${source}-${n}</guid><pubDate>${new Date(Date.UTC(2026, 10, 1) + n * 3_600_000).toUTCString()}</pubDate><category>News</category><content:encoded><![CDATA[${text}]]></content:encoded></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Source ${source}</title><link>https://s${source}.example/</link><description>x</description>${items.join('')}</channel></rss>`;
}

export async function benchIngest(report: Report): Promise<void> {
  const bodies = Array.from({ length: SOURCES }, (_, n) => Buffer.from(feed(n)));
  let sentBytes = 0;
  const upstream = createServer((req, res) => {
    const n = Number(/^\/feed\/(\d+)\.xml$/.exec(req.url ?? '')?.[1]);
    const etag = `"feed-${n}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    sentBytes += bodies[n]!.length;
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(bodies[n]);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
  const ctx = await createContext(benchConfig(await tempDir('ingest'), { ALLOW_PRIVATE_NETWORKS: 'true' }), { log: pino({ level: 'silent' }) });
  try {
    report.progress(`ingest: adding ${SOURCES} sources of ${ITEMS} items, ${FETCH_CONCURRENCY} at a time`);
    const first = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      while (next < SOURCES) await ctx.ingest.add({ url: `${upstreamUrl}/feed/${next++}.xml`, backfill: ITEMS, categories: ['Partner'] });
    };
    await Promise.all(Array.from({ length: FETCH_CONCURRENCY }, worker));
    const firstMs = msSince(first);
    const imported = ctx.store.sources.all().reduce((sum, source) => sum + source.counts.imported, 0);
    if (imported !== SOURCES * ITEMS) throw new Error(`ingest: ${imported} of ${SOURCES * ITEMS} items imported`);
    const firstBytes = sentBytes;
    report.figure(PART, 'first cycle', imported / (firstMs / 1000), 'items/s', `${imported} items from ${SOURCES} sources in ${(firstMs / 1000).toFixed(1)} s; upstream sent ${(firstBytes / 1e6).toFixed(1)} MB`);

    // Every source due again now: the whole second cycle answers 304.
    const now = ctx.clock().toISOString();
    for (const source of ctx.store.sources.all()) await ctx.store.sources.update(source.id, () => ({ nextFetchAt: now }));
    const second = process.hrtime.bigint();
    await ctx.ingest.runDueWork();
    const secondMs = msSince(second);
    report.figure(PART, 'second cycle (all 304)', secondMs, 'ms', `${SOURCES} sources; upstream sent ${sentBytes - firstBytes} body bytes`);
    const memory = process.memoryUsage();
    report.figure(PART, 'memory after both cycles', memory.rss / 1e6, 'MB RSS', `heap used ${(memory.heapUsed / 1e6).toFixed(0)} MB, ${ctx.store.articles.ofSource(ctx.store.sources.all()[0]!.id).length * SOURCES} articles`);
  } finally {
    await closeContext(ctx);
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  }
}
