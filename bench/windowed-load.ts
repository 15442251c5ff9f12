// A steady load on one URL from a worker thread (windowed-load-worker.ts), read as req/s over
// any window of time after the fact: for events shorter than an autocannon run.
import { Worker } from 'node:worker_threads';
import type { WindowedLoadEvent, WindowedLoadRequest } from './windowed-load-worker.js';

const WORKER_SCRIPT = new URL('./windowed-load-worker.ts', import.meta.url).href;

export interface WindowedLoad {
  /** 200s per second that ended in [from, to) (ms since the epoch, as `performance.timeOrigin + performance.now()`). */
  rate(from: number, to: number): Promise<{ requestsPerSecond: number; unexpected: number }>;
  stop(): Promise<void>;
}

export async function startWindowedLoad(url: string, connections: number): Promise<WindowedLoad> {
  // Workers do not inherit tsx's loader from `--import` (Node 20): register it inside the worker.
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(WORKER_SCRIPT)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { url, connections } });
  const waiting = new Map<number, (event: Extract<WindowedLoadEvent, { type: 'count' }>) => void>();
  let stopped: (() => void) | undefined;
  let nextId = 0;
  worker.on('message', (event: WindowedLoadEvent) => {
    if (event.type === 'count') waiting.get(event.id)?.(event);
    else stopped?.();
  });
  const post = (request: WindowedLoadRequest) => worker.postMessage(request);
  return {
    async rate(from, to) {
      const id = (nextId += 1);
      const counted = await new Promise<Extract<WindowedLoadEvent, { type: 'count' }>>((resolve) => {
        waiting.set(id, resolve);
        post({ type: 'count', id, from, to });
      });
      waiting.delete(id);
      return { requestsPerSecond: (counted.answers * 1000) / (to - from), unexpected: counted.unexpected };
    },
    async stop() {
      await new Promise<void>((resolve) => {
        stopped = resolve;
        post({ type: 'stop' });
      });
      await worker.terminate();
    },
  };
}
