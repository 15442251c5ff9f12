// Writes through a running service's HTTP API, timed as a client sees them: subscriptions (the
// answer, and the confirmation email reaching the SMTP sink) and article writes (the answer, and
// the article being served by another instance). Used on PostgreSQL and on the embedded store alike.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Category } from '../src/domain/article.js';
import { articleHtml, articleTitle, createParagraphPool, seededRandom } from './content.js';
import { msSince } from './fixtures.js';
import { BENCH_ADMIN_TOKEN } from './service-process.js';
import type { SmtpSinkWorker } from './smtp-sink.js';

const agent = new Agent({ keepAlive: true });
const ADMIN = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };
const CONFIRMATIONS_TIMEOUT_MS = 60_000;
const VISIBLE_TIMEOUT_MS = 10_000;
const VISIBLE_POLL_MS = 5;

export interface Answer {
  status: number;
  body: string;
}

/** One HTTP request over a kept-alive connection; no timeout (a newsletter run may answer after minutes). */
export function send(url: string, method: string, headers: Record<string, string> = {}, json?: unknown): Promise<Answer> {
  const body = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const sendAsAdmin = (url: string, method: string, json?: unknown) => send(url, method, ADMIN, json);

export interface SubscribeTimes {
  /** POST /api/subscriptions until its 202. */
  answeredMs: number[];
  /** POST until the confirmation email reached the sink (the subscriber recorded, then mailed). */
  confirmedMs: number[];
  failed: number;
  /** Confirmations that never arrived. */
  missing: number;
}

/**
 * `count` new people subscribe through the API, `perSecond` of them a second, each from an
 * address of its own (X-Forwarded-For, trusted from loopback), so the rate limit does not apply.
 */
export async function timeSubscribes(url: string, sink: SmtpSinkWorker, count: number, perSecond: number, label: string): Promise<SubscribeTimes> {
  await sink.forget('confirm');
  const sentAt = new Map<string, number>();
  const answeredMs: number[] = [];
  let failed = 0;
  const requests: Promise<void>[] = [];
  for (let n = 0; n < count; n += 1) {
    const email = `${label}${n}@example.org`;
    const forwardedFor = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const start = process.hrtime.bigint();
    sentAt.set(email, performance.timeOrigin + performance.now());
    requests.push(
      send(`${url}/api/subscriptions`, 'POST', { 'x-forwarded-for': forwardedFor }, { email }).then(
        (answer) => (answer.status === 202 ? void answeredMs.push(msSince(start)) : void (failed += 1)),
        () => void (failed += 1),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  await Promise.all(requests);
  const waitUntil = Date.now() + CONFIRMATIONS_TIMEOUT_MS;
  while ((await sink.tally('confirm')).recipients < count - failed && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 100));
  const { arrivals = {} } = await sink.tally('confirm', true);
  const confirmedMs = [...sentAt].flatMap(([email, at]) => (arrivals[email] ? [arrivals[email] - at] : []));
  return { answeredMs, confirmedMs, failed, missing: count - failed - confirmedMs.length };
}

export interface ArticleTimes {
  /** POST /api/articles until its 201. */
  answeredMs: number[];
  /** From the 201 until another instance serves the article (GET /api/articles/:id there answers 200). */
  visibleElsewhereMs: number[];
  failed: number;
}

/** `count` articles written one after the other, as an editor would POST them (~1.5 KB of HTML). */
export async function timeArticleWrites(url: string, count: number, categories: readonly Category[], elsewhere?: string): Promise<ArticleTimes> {
  const next = articleInputs(categories);
  const times: ArticleTimes = { answeredMs: [], visibleElsewhereMs: [], failed: 0 };
  for (let n = 0; n < count; n += 1) {
    const start = process.hrtime.bigint();
    const answer = await sendAsAdmin(`${url}/api/articles`, 'POST', next());
    if (answer.status !== 201) {
      times.failed += 1;
      continue;
    }
    times.answeredMs.push(msSince(start));
    if (elsewhere) {
      const acknowledged = process.hrtime.bigint();
      const { id } = JSON.parse(answer.body) as { id: string };
      while ((await send(`${elsewhere}/api/articles/${id}`, 'GET')).status !== 200) {
        if (msSince(acknowledged) > VISIBLE_TIMEOUT_MS) throw new Error(`bench: article ${id} not served by the other instance after ${VISIBLE_TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, VISIBLE_POLL_MS));
      }
      times.visibleElsewhereMs.push(msSince(acknowledged));
    }
  }
  return times;
}

/** Article inputs in the given categories, in turn. */
export function articleInputs(categories: readonly Category[]) {
  const random = seededRandom(categories.length * 31);
  const pool = createParagraphPool(5);
  let index = 0;
  return () => {
    const category = categories[index % categories.length]!;
    index += 1;
    return { title: `Scritto ora ${articleTitle(random, index)}`, contentHtml: articleHtml(random, pool, 1500), categories: [category.name], status: 'published' as const };
  };
}
