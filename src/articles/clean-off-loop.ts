// Sanitising is synchronous and costs about a microsecond per character, more for dense markup:
// 1,000,000 characters of `<td>x` held the event loop for seconds. Large content is cleaned in
// a worker thread instead; small content, the usual case, inline, where a thread hop would cost
// more than the work.
import { Worker } from 'node:worker_threads';
import { cleanContent, hasDerivedSummary, knownDerivedSummary, rememberDerivedSummary } from '../domain/article-input.js';
import type { ContentJob, ContentJobName, ContentJobResult } from './content-worker.js';

/** Up to this many characters the worst markup takes a few milliseconds: not worth a thread hop. */
const INLINE_LIMIT = 10_000;

const WORKER_SCRIPT = new URL('./content-worker.ts', import.meta.url).href;

/** The content rules of domain/article-input.ts, off the event loop when the HTML is large. */
export const offLoop = {
  cleanContent: (contentHtml: string, summary?: string): Promise<ReturnType<typeof cleanContent>> =>
    contentHtml.length <= INLINE_LIMIT ? Promise.resolve(cleanContent(contentHtml, summary)) : run('cleanContent', [contentHtml, summary]),
  async hasDerivedSummary(article: { summary: string; contentHtml: string }): Promise<boolean> {
    if (article.contentHtml.length <= INLINE_LIMIT) return hasDerivedSummary(article);
    return knownDerivedSummary(article) ?? rememberDerivedSummary(article, await run<boolean>('hasDerivedSummary', [article]));
  },
};

// One thread for the process, started on first use: it keeps no state between jobs, so every
// context (and every test service) can share it. It keeps the process alive only while it has
// jobs, like any pending I/O. Jobs queue in it one after another.
let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();

function run<T>(name: ContentJobName, args: unknown[]): Promise<T> {
  const id = nextId++;
  const done = new Promise<T>((resolve, reject) => waiting.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  const thread = contentWorker();
  thread.ref();
  thread.postMessage({ id, name, args } satisfies ContentJob);
  return done;
}

function contentWorker(): Worker {
  if (worker) return worker;
  // Workers do not inherit tsx's loader from `--import` (Node 20): register it inside the worker.
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(WORKER_SCRIPT)}); })`;
  const started = new Worker(boot, { eval: true });
  started.on('message', (result: ContentJobResult) => {
    const job = waiting.get(result.id);
    waiting.delete(result.id);
    if (waiting.size === 0) started.unref();
    if ('error' in result) job?.reject(new Error(`content worker: ${result.error}`));
    else job?.resolve(result.value);
  });
  // A thread that dies fails the jobs it held; the next job starts a new one.
  started.on('error', (err) => failAll(err));
  started.on('exit', (code) => failAll(new Error(`content worker: exited with code ${code}`)));
  worker = started;
  return started;

  function failAll(err: Error): void {
    if (worker === started) worker = undefined;
    for (const job of waiting.values()) job.reject(err);
    waiting.clear();
  }
}
