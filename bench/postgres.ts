// PostgreSQL at scale (issue 9): a fresh database of BENCH_PG_SUBSCRIBERS confirmed subscribers
// (default 1,000,000) and BENCH_PG_ARTICLES articles (default 100,000), served by real service
// processes. Measured: subscribing through the API (the answer, and the confirmation email at
// the sink); a newsletter run to BENCH_PG_RUN_SUBSCRIBERS of them (default 100,000) with one
// instance, then with two on different ports sharing the run, messages/s and exactly-once at an
// SMTP sink in its own process; article writes through the API, and how soon the other instance
// serves them. The same subscribe and article figures on the embedded store at the same sizes,
// unless BENCH_PG_LOWDB=0. The database is dropped at the end.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { CONTENT_FILE, NEWSLETTER_FILE } from '../src/store/store.js';
import { CATEGORIES } from './content.js';
import { median, msSince, tempDir } from './fixtures.js';
import { createBenchDatabase, fillDatabase, RUN_CATEGORIES } from './postgres-database.js';
import { cpuCeiling, describeRun, timeRun, type RunFigures } from './postgres-run.js';
import type { Report } from './report.js';
import { startService, type ServiceProcess } from './service-process.js';
import { timeArticleWrites, timeSubscribes, type ArticleTimes, type SubscribeTimes } from './service-writes.js';
import { startSmtpSinkProcess, type SmtpSinkWorker } from './smtp-sink.js';
import { writeContentFile, writeSubscribersFile } from './store-growth.js';

const SUBSCRIBERS = Number(process.env.BENCH_PG_SUBSCRIBERS) || 1_000_000;
const ARTICLES = Number(process.env.BENCH_PG_ARTICLES) || 100_000;
const RUN_SUBSCRIBERS = Math.min(SUBSCRIBERS, Number(process.env.BENCH_PG_RUN_SUBSCRIBERS) || 100_000);
const COMPARE_WITH_LOWDB = process.env.BENCH_PG_LOWDB !== '0';
const SUBSCRIBES = 400;
const SUBSCRIBES_PER_SECOND = 20;
const ARTICLE_WRITES = 60;
/** Written in each run category before a run: every subscriber of the run has something new. */
const NEW_ARTICLES_PER_RUN_CATEGORY = 3;

const count = (n: number) => n.toLocaleString('en-US');
const SIZES = `${count(SUBSCRIBERS)} subscribers + ${count(ARTICLES)} articles`;
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))] ?? NaN;

interface Writes {
  subscribes: SubscribeTimes;
  articles: ArticleTimes;
}

/** The part: PostgreSQL, then (unless BENCH_PG_LOWDB=0) the embedded store at the same sizes. */
export async function benchPostgres(report: Report): Promise<void> {
  report.progress('postgres: starting the SMTP sink in a process of its own');
  const sink = await startSmtpSinkProcess();
  try {
    const onPostgres = await measurePostgres(report, sink);
    if (!COMPARE_WITH_LOWDB) return report.progress('postgres: the embedded store is not measured (BENCH_PG_LOWDB=0)');
    const embedded = await measureEmbedded(report, sink);
    report.ratio(`subscribe, confirmation at the sink p99: postgres / lowdb (${SIZES})`, p99(onPostgres.subscribes.confirmedMs) / p99(embedded.subscribes.confirmedMs));
    report.ratio(`article write answered p99: postgres / lowdb (${SIZES})`, p99(onPostgres.articles.answeredMs) / p99(embedded.articles.answeredMs));
  } finally {
    await sink.close();
  }
}

async function measurePostgres(report: Report, sink: SmtpSinkWorker): Promise<Writes> {
  const part = `postgres, ${SIZES}`;
  report.progress(`${part}: creating the database and filling it (COPY into records)`);
  const database = await createBenchDatabase();
  const sql = postgres(database.url, { max: 2, onnotice: () => undefined });
  const services: ServiceProcess[] = [];
  try {
    const fillStart = process.hrtime.bigint();
    await fillDatabase(database.url, { subscribers: SUBSCRIBERS, runSubscribers: RUN_SUBSCRIBERS, articles: ARTICLES, now: Date.now() });
    const [{ size }] = await sql<{ size: string }[]>`select pg_size_pretty(pg_database_size(current_database())) as size`;
    report.figure(part, 'filling the database (COPY into records, then ANALYZE)', msSince(fillStart) / 1000, 's', `database ${size}`);

    const instance = async (name: string) => {
      report.progress(`${part}: starting instance ${name}`);
      const service = await startService(await tempDir(`postgres-${name}`), { DATABASE_URL: database.url, SMTP_URL: `${sink.url}&name=instance-${name}` });
      services.push(service);
      return service;
    };
    const a = await instance('a');
    report.progress(`${part}: ${SUBSCRIBES} subscriptions at ${SUBSCRIBES_PER_SECOND}/s through instance a`);
    const subscribes = await timeSubscribes(a.url, sink, SUBSCRIBES, SUBSCRIBES_PER_SECOND, 'pg-new');
    recordSubscribes(report, part, subscribes);

    const runs: RunFigures[] = [];
    for (const label of ['run with one instance', 'run with two instances']) {
      if (runs.length === 1) await instance('b');
      report.progress(`${part}: ${label}: ${NEW_ARTICLES_PER_RUN_CATEGORY} new articles in each run category, then POST /api/newsletter/runs on instance a`);
      const written = await timeArticleWrites(a.url, NEW_ARTICLES_PER_RUN_CATEGORY * RUN_CATEGORIES.length, RUN_CATEGORIES);
      if (written.failed) throw new Error(`bench: ${written.failed} articles for the run were not written`);
      runs.push(await timeRun(sql, services, sink, RUN_SUBSCRIBERS, report, label));
      recordRun(report, runs.at(-1)!, runs.length);
    }
    recordRunRatios(report, runs);

    report.progress(`${part}: ${ARTICLE_WRITES} article writes on instance a, each until instance b serves it`);
    const articles = await timeArticleWrites(a.url, ARTICLE_WRITES, CATEGORIES, services[1]!.url);
    recordArticles(report, part, articles);
    recordStartup(report, part, a.startMs, services[1]!.startMs);
    for (const [name, service] of services.entries()) {
      const { warnings, tail } = service.problems();
      if (warnings) report.progress(`${part}: instance ${'ab'[name]} logged ${warnings} warnings or errors; its last lines:\n${tail.join('\n')}`);
    }
    return { subscribes, articles };
  } finally {
    for (const service of services) await service.stop();
    await sql.end();
    await database.drop();
  }
}

/** The same subscriptions and article writes on the embedded store, with files of the same sizes. */
async function measureEmbedded(report: Report, sink: SmtpSinkWorker): Promise<Writes> {
  const part = `lowdb (embedded), ${SIZES}`;
  report.progress(`${part}: writing the store files`);
  const dataDir = await tempDir('lowdb-compared');
  await writeContentFile(path.join(dataDir, CONTENT_FILE), ARTICLES, 'records');
  await writeSubscribersFile(path.join(dataDir, NEWSLETTER_FILE), SUBSCRIBERS);
  report.progress(`${part}: starting the service`);
  const service = await startService(dataDir, { SMTP_URL: `${sink.url}&name=lowdb` });
  try {
    report.progress(`${part}: ${SUBSCRIBES} subscriptions at ${SUBSCRIBES_PER_SECOND}/s, then ${ARTICLE_WRITES} article writes`);
    recordStartup(report, part, service.startMs);
    const subscribes = await timeSubscribes(service.url, sink, SUBSCRIBES, SUBSCRIBES_PER_SECOND, 'lowdb-new');
    recordSubscribes(report, part, subscribes);
    const articles = await timeArticleWrites(service.url, ARTICLE_WRITES, CATEGORIES);
    recordArticles(report, part, articles);
    return { subscribes, articles };
  } finally {
    await service.stop();
  }
}

const failures = (times: { failed: number }) => (times.failed ? ` · ${times.failed} FAILED` : '');

function recordStartup(report: Report, part: string, startMs: number, secondStartMs?: number): void {
  const detail = secondStartMs === undefined ? 'node + tsx boot and the store loaded' : `instance a; instance b ${(secondStartMs / 1000).toFixed(1)} s, with a running`;
  report.figure(part, 'service start-up (spawn → /healthz answers)', startMs / 1000, 's', detail);
}

function recordSubscribes(report: Report, part: string, subscribes: SubscribeTimes): void {
  report.figure(part, 'subscribe: POST /api/subscriptions answered (202), p99', p99(subscribes.answeredMs), 'ms', `p50 ${median(subscribes.answeredMs).toFixed(1)} ms · ${SUBSCRIBES} new addresses at ${SUBSCRIBES_PER_SECOND}/s, each from its own client address${failures(subscribes)}`);
  report.figure(
    part,
    'subscribe: POST until the confirmation email is at the sink, p99',
    p99(subscribes.confirmedMs),
    'ms',
    `p50 ${median(subscribes.confirmedMs).toFixed(1)} ms · the pending subscriber recorded, then the email rendered and sent` + (subscribes.missing ? ` · ${subscribes.missing} confirmations MISSING` : ''),
  );
}

function recordArticles(report: Report, part: string, articles: ArticleTimes): void {
  report.figure(part, 'article write: POST /api/articles answered (201), p99', p99(articles.answeredMs), 'ms', `p50 ${median(articles.answeredMs).toFixed(1)} ms · ${ARTICLE_WRITES} writes of ~1.5 KB, one after the other${failures(articles)}`);
  if (articles.visibleElsewhereMs.length) {
    report.figure(part, 'article written on instance a, served by instance b, p99', p99(articles.visibleElsewhereMs), 'ms', `p50 ${median(articles.visibleElsewhereMs).toFixed(1)} ms · from a's 201 until GET /api/articles/:id on b answers 200 (polled every 5 ms)`);
  }
}

const RUN_PART = `postgres run: ${count(RUN_SUBSCRIBERS)} of the ${count(SUBSCRIBERS)} subscribers due (BENCH_PG_RUN_SUBSCRIBERS) → SMTP sink in its own process`;
const CORES = availableParallelism();

function recordRun(report: Report, run: RunFigures, instances: number): void {
  const name = instances === 1 ? 'newsletter run, one instance' : 'newsletter run, two instances (triggered on a, b joins)';
  const ceiling = ` · CPU-bound ceiling on an idle ${CORES}-core machine ≈ ${cpuCeiling(run, instances, CORES).toFixed(0)} msg/s (each instance ≤ 1 core, all processes ≤ ${CORES})`;
  report.figure(RUN_PART, name, run.rate, 'messages/s', describeRun(run) + ceiling);
}

function recordRunRatios(report: Report, [one, two]: RunFigures[]): void {
  report.ratio('postgres run: two instances / one, messages/s (trigger → last digest)', two!.rate / one!.rate, { atLeast: 1.4 });
  report.ratio('postgres run: two instances / one, messages/s while sending', two!.sendingRate / one!.sendingRate);
  report.ratio('postgres run: two instances / one, CPU-bound ceilings from the CPU per digest', cpuCeiling(two!, 2, CORES) / cpuCeiling(one!, 1, CORES));
}
