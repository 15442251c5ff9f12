// The worker-thread side of clean-off-loop.ts: runs the content rules of domain/article-input.ts
// on large HTML, so the service's event loop keeps answering meanwhile.
import { parentPort } from 'node:worker_threads';
import { cleanContent, hasDerivedSummary } from '../domain/article-input.js';

export const CONTENT_JOBS = { cleanContent, hasDerivedSummary };
export type ContentJobName = keyof typeof CONTENT_JOBS;

export interface ContentJob {
  id: number;
  name: ContentJobName;
  args: unknown[];
}

export type ContentJobResult = { id: number; value: unknown } | { id: number; error: string };

parentPort?.on('message', ({ id, name, args }: ContentJob) => {
  try {
    const value = (CONTENT_JOBS[name] as (...args: unknown[]) => unknown)(...args);
    parentPort!.postMessage({ id, value } satisfies ContentJobResult);
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err) } satisfies ContentJobResult);
  }
});
