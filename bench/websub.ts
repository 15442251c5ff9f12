// WebSub part: N verified subscribers of one category feed (callbacks on loopback, served by a
// child process at the lowest CPU priority). First a few fan-outs with nothing else running: the
// service's main-thread CPU per push. Then a few articles published, each after an idle moment:
// the time from each 201 (createArticle resolving) to each push, pushes per second, and the cached
// feed's req/s from the 201 to the last push against the idle moment before (a steady load in a worker).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createArticle } from '../src/articles/edit-articles.js';
import { closeContext, createContext, type AppContext } from '../src/context.js';
import { feedPath } from '../src/feeds/feed-urls.js';
import { startServer } from '../src/http/server.js';
import pino from 'pino';
import { mainThreadCpuMs } from './cpu.js';
import { benchConfig, median, tempDir } from './fixtures.js';
import { CONNECTIONS } from './load.js';
import type { Report } from './report.js';
import type { SubscriberEvent, SubscriberRequest } from './websub-subscribers-child.js';
import { startWindowedLoad, type WindowedLoad } from './windowed-load.js';

/** Subscribers of the feed: BENCH_WEBSUB_SUBSCRIBERS, 1,000 unless told. */
const SUBSCRIBERS = Number(process.env.BENCH_WEBSUB_SUBSCRIBERS ?? 1000);
const ARTICLES = 20;
/** Articles published, one fan-out each, with an idle moment before each. */
const FAN_OUTS = 9;
/** Fan-outs before the feed load starts, to measure the service's CPU per push. */
const QUIET_FAN_OUTS = 3;
const IDLE_MS = 2000;
const CATEGORY = 'Cronaca';
const SUBSCRIBERS_SCRIPT = fileURLToPath(new URL('./websub-subscribers-child.ts', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

export async function benchWebSub(report: Report): Promise<void> {
  const ctx = await createContext(benchConfig(await tempDir('websub'), { ALLOW_PRIVATE_NETWORKS: 'true' }), { log: pino({ level: 'silent' }) });
  const http = await startServer(ctx, 0, '127.0.0.1');
  const subscribers = await startSubscribers();
  try {
    for (let n = 0; n < ARTICLES; n += 1) await publish(ctx, `Articolo ${n}`);
    const scope = ctx.store.articles.categories(ctx.clock()).find((category) => category.name === CATEGORY)!.slug;
    const topic = ctx.config.baseUrl + feedPath(scope, 'rss');
    report.progress(`websub: subscribing ${SUBSCRIBERS} callbacks to ${feedPath(scope, 'rss')}`);
    for (let n = 0; n < SUBSCRIBERS; n += 1) {
      const answer = ctx.websub.request({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': `${subscribers.url}/cb/${n}` });
      if (!answer.accepted) throw new Error(answer.reason);
      if (n % 100 === 99) await ctx.websub.idle();
    }
    await ctx.websub.idle();
    if (ctx.store.websub.subscriptions().length !== SUBSCRIBERS) throw new Error('websub: not every subscription was verified');

    // Other work on the machine moves req/s a lot; the service's own CPU per push much less.
    const cpu: number[] = [];
    for (let n = 0; n < QUIET_FAN_OUTS; n += 1) cpu.push(await cpuPerPush(ctx, subscribers));
    report.figure(`websub, ${SUBSCRIBERS} subscribers`, 'service CPU per push, no feed load', median(cpu) * 1000, 'µs', `median of ${QUIET_FAN_OUTS} fan-outs; the main thread's user + system time, publishing included`);

    const load = await startWindowedLoad(http.url + feedPath(scope, 'rss'), CONNECTIONS);
    try {
      report.progress(`websub: ${FAN_OUTS} articles, ${IDLE_MS / 1000} s apart, while ${CONNECTIONS} connections read the feed`);
      await sleep(IDLE_MS);
      const rounds: FanOut[] = [];
      for (let n = 0; n < FAN_OUTS; n += 1) {
        await sleep(IDLE_MS);
        const round = await fanOut(ctx, subscribers, load);
        rounds.push(round);
        report.progress(`websub: article ${n + 1}: last push after ${Math.max(...round.delays).toFixed(0)} ms; feed ${round.idle.toFixed(0)} req/s idle, ${round.during.toFixed(0)} during`);
      }
      record(report, rounds);
    } finally {
      await load.stop();
    }
  } finally {
    await subscribers.close();
    await http.close();
    await closeContext(ctx);
  }
}

interface FanOut {
  /** Each subscriber's delay (ms) from the 201 to its push. */
  delays: number[];
  /** The feed's req/s in the idle moment before, and from the 201 to the last push. */
  idle: number;
  during: number;
  unexpected: number;
}

/** Publishes one article and times its fan-out, and the feed's req/s before and during it. */
async function fanOut(ctx: AppContext, subscribers: Subscribers, load: WindowedLoad): Promise<FanOut> {
  const arrived = subscribers.nextRound();
  const before = now();
  await publish(ctx, `Notizia ${before}`);
  const published = now();
  const arrivals = await arrived;
  const last = Math.max(...arrivals);
  const idle = await load.rate(before - IDLE_MS, before);
  const during = await load.rate(published, last);
  return { delays: arrivals.map((at) => at - published), idle: idle.requestsPerSecond, during: during.requestsPerSecond, unexpected: idle.unexpected + during.unexpected };
}

/** The main thread's CPU time (ms) per push over one fan-out, with no feed load running. */
async function cpuPerPush(ctx: AppContext, subscribers: Subscribers): Promise<number> {
  const arrived = subscribers.nextRound();
  const before = await mainThreadCpuMs();
  await publish(ctx, `Notizia ${now()}`);
  await arrived;
  await ctx.websub.idle();
  return ((await mainThreadCpuMs()) - before) / SUBSCRIBERS;
}

function publish(ctx: AppContext, title: string) {
  return createArticle(ctx, { title, contentHtml: `<p>${'Testo della notizia. '.repeat(40)}</p>`, categories: [CATEGORY], status: 'published' });
}

function record(report: Report, rounds: FanOut[]): void {
  const delays = rounds.flatMap((round) => round.delays).sort((a, b) => a - b);
  const percentile = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))]!;
  const lasts = rounds.map((round) => Math.max(...round.delays));
  const part = `websub, ${SUBSCRIBERS} subscribers`;
  const detail = `${rounds.length} articles`;
  report.figure(part, 'from the 201 to a push, p50', percentile(50), 'ms', detail);
  report.figure(part, 'from the 201 to a push, p99', percentile(99), 'ms', detail);
  report.figure(part, 'from the 201 to the last push', median(lasts), 'ms', `median of ${rounds.length}; max ${Math.max(...lasts).toFixed(0)} ms`);
  report.figure(part, 'pushes per second', (SUBSCRIBERS * 1000) / median(lasts), '/s', 'subscribers ÷ the median time to the last push');
  const unexpected = rounds.reduce((sum, round) => sum + round.unexpected, 0);
  report.figure(part, 'cached feed, idle', median(rounds.map((round) => round.idle)), 'req/s', `median; ${CONNECTIONS} connections, ${unexpected} unexpected answers`);
  report.figure(part, 'cached feed, during a fan-out', median(rounds.map((round) => round.during)), 'req/s', 'median, from the 201 to the last push');
  report.ratio('websub: feed req/s during a fan-out ÷ idle', median(rounds.map((round) => round.during / round.idle)), { atLeast: 0.8 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Subscribers {
  url: string;
  /** The arrival times of the next N pushes. */
  nextRound(): Promise<number[]>;
  close(): Promise<void>;
}

async function startSubscribers(): Promise<Subscribers> {
  const child = spawn('nice', ['-n', '19', process.execPath, '--import', 'tsx', SUBSCRIBERS_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let round: ((arrivals: number[]) => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error('websub: the subscribers process exited')));
    child.on('message', (event: SubscriberEvent) => {
      if (event.type === 'listening') resolve(event.port);
      else round?.(event.arrivals);
    });
  });
  const post = (request: SubscriberRequest) => child.send(request);
  post({ type: 'expect', count: SUBSCRIBERS });
  return {
    url: `http://127.0.0.1:${port}`,
    nextRound: () => new Promise((resolve) => (round = resolve)),
    async close() {
      post({ type: 'close' });
      await exited;
    },
  };
}
