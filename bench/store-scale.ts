// Store parts at scale: start-up time and memory at 1,000 and 100,000 articles (each in a child
// process, so the benchmark's own heap is not counted), and the time to acknowledge a write at
// 100,000 articles, when lowdb rewrites the whole file.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createArticle } from '../src/articles/edit-articles.js';
import { closeContext, type AppContext } from '../src/context.js';
import { articleCategories, articleHtml, articleTitle, createParagraphPool, seededRandom } from './content.js';
import { median, msSince, openBenchContext, storeFileMegabytes, storeWithArticles } from './fixtures.js';
import type { Report } from './report.js';
import type { StartupFigures } from './startup-child.js';

/** What the child reported, plus the wall time from spawn to its report (Node and tsx boot included). */
export type StartupRun = StartupFigures & { wallMs: number };

const CHILD_SCRIPT = fileURLToPath(new URL('./startup-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTUP_RUNS = 3;
const CHILD_TIMEOUT_MS = 180_000;
const SINGLE_WRITES = 5;
const BURST_WRITES = 10;

/** Part 4: start-up time and memory, median of three child processes per store size. */
export async function benchStartup(report: Report): Promise<void> {
  const typical = new Map<number, StartupRun>();
  for (const count of [1_000, 100_000]) {
    const dataDir = await storeWithArticles(count);
    const runs: StartupRun[] = [];
    for (let run = 1; run <= STARTUP_RUNS; run += 1) {
      report.progress(`start-up: ${count.toLocaleString('en-US')} articles, child process ${run} of ${STARTUP_RUNS}`);
      runs.push(await runStartupChild(dataDir));
    }
    const middle = [...runs].sort((a, b) => a.totalMs - b.totalMs)[runs.length >> 1]!;
    typical.set(count, middle);
    recordStartup(report, count, middle, runs, await storeFileMegabytes(dataDir));
  }
  const small = typical.get(1_000)!;
  const large = typical.get(100_000)!;
  report.ratio('start-up time: 100k / 1k articles', large.totalMs / small.totalMs);
  report.ratio('start-up RSS: 100k / 1k articles', large.rssMB / small.rssMB);
}

function recordStartup(report: Report, count: number, figures: StartupRun, runs: StartupFigures[], fileMB: number): void {
  const part = `start-up, ${count.toLocaleString('en-US')} articles (${fileMB.toFixed(1)} MB file)`;
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  report.figure(
    part,
    'createContext → listening → first feed answered',
    figures.totalMs / 1000,
    's',
    `median of ${runs.length} (${runs.map((r) => seconds(r.totalMs)).join(' / ')}) · createContext ${seconds(figures.contextMs)} s · ` +
      `listen ${figures.listenMs.toFixed(0)} ms · first feed ${figures.firstFeedMs.toFixed(0)} ms (${figures.feedStatus}) · ` +
      `from spawn, incl. node + tsx boot ${seconds(figures.wallMs)} s`,
  );
  const gc = figures.afterGc ? 'after GC' : 'no --expose-gc, without GC';
  report.figure(part, `memory (${gc})`, figures.rssMB, 'MB RSS', `heapUsed ${figures.heapUsedMB.toFixed(0)} MB`);
}

/** Runs startup-child.ts in a fresh Node process and returns its figures and the wall time. */
export function runStartupChild(dataDir: string): Promise<StartupRun> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD_SCRIPT, dataDir], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // Wall time ends with the figures line: the child's closing flush afterwards is not start-up.
  let wallMs = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!wallMs && stdout.includes('\n')) wallMs = msSince(start);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A store that never opens must not hang the benchmark.
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`bench: start-up child ended with ${signal ?? `code ${code}`}: ${stderr.trim() || stdout.trim()}`));
        return;
      }
      resolve({ ...(JSON.parse(line) as StartupFigures), wallMs });
    });
  });
}

/** Part 5: acknowledging one createArticle at 100,000 articles, and a burst of concurrent ones. */
export async function benchWrites(report: Report): Promise<void> {
  const dataDir = await storeWithArticles(100_000);
  report.progress('writes: opening the store of 100,000 articles');
  const ctx = await openBenchContext(dataDir);
  try {
    await measureWrites(report, ctx, dataDir);
  } finally {
    await closeContext(ctx);
  }
}

async function measureWrites(report: Report, ctx: AppContext, dataDir: string): Promise<void> {
  const nextInput = articleInputs();
  const part = 'write, 100,000 articles';

  report.progress(`writes: ${SINGLE_WRITES} single createArticle calls, one after the other`);
  await createArticle(ctx, nextInput()); // warm-up: sanitiser and JSON code paths compiled
  const single: { ms: number; blockedMs: number }[] = [];
  for (let write = 0; write < SINGLE_WRITES; write += 1) single.push(await timeWrite(() => createArticle(ctx, nextInput())));
  const singleMs = median(single.map((w) => w.ms));
  report.figure(
    part,
    'one createArticle acknowledged (file rewritten + fsync)',
    singleMs,
    'ms',
    `median of ${SINGLE_WRITES} (${single.map((w) => w.ms.toFixed(0)).join(' / ')} ms) · ` +
      `event loop blocked up to ${Math.max(...single.map((w) => w.blockedMs)).toFixed(0)} ms per write`,
  );

  report.progress(`writes: ${BURST_WRITES} concurrent createArticle calls`);
  const burst = await timeWrite(() => Promise.all(Array.from({ length: BURST_WRITES }, () => createArticle(ctx, nextInput()))));
  report.figure(part, `${BURST_WRITES} concurrent createArticle, all acknowledged`, burst.ms, 'ms', `event loop blocked up to ${burst.blockedMs.toFixed(0)} ms`);
  report.figure(part, 'store file size', await storeFileMegabytes(dataDir), 'MB', `${countPublished(ctx).toLocaleString('en-US')} published articles after the writes`);
  report.ratio(`write: ${BURST_WRITES} concurrent / 1 single (coalescing; ${BURST_WRITES} = none)`, burst.ms / singleMs);
}

/** Time until the write is acknowledged, and the longest event-loop stall meanwhile (what feed requests would wait). */
async function timeWrite(write: () => Promise<unknown>): Promise<{ ms: number; blockedMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const start = process.hrtime.bigint();
  await write();
  const ms = msSince(start);
  delay.disable();
  return { ms, blockedMs: delay.max / 1e6 };
}

/** Inputs as an editor would POST them: ~1.5 KB of HTML, one or two categories by name. */
function articleInputs() {
  const random = seededRandom(2024);
  const pool = createParagraphPool(11);
  let index = 0;
  return () => {
    index += 1;
    return {
      title: `Nuovo articolo ${articleTitle(random, index)}`,
      contentHtml: articleHtml(random, pool, 1500),
      categories: articleCategories(random).map((category) => category.name),
      status: 'published' as const,
    };
  };
}

function countPublished(ctx: AppContext): number {
  return ctx.store.articles.countDue('', ctx.clock());
}
