// A loopback SMTP sink in a worker thread: on a 2-core machine a server sharing the sender's event
// loop would take part of its time and move both the newsletter run and its baseline. The sink
// accepts every message without parsing it and counts messages and bytes (see smtp-sink-worker.ts).
import { Worker } from 'node:worker_threads';
import type { SinkEvent, SinkRequest } from './smtp-sink-worker.js';

export interface SinkCount {
  messages: number;
  bytes: number;
}

export interface SmtpSinkWorker {
  /** For SMTP_URL: the sink has no usable certificate, so the client must not try STARTTLS. */
  url: string;
  /** Messages and bytes accepted since the sink started. */
  count(): Promise<SinkCount>;
  close(): Promise<void>;
}

const WORKER_SCRIPT = new URL('./smtp-sink-worker.ts', import.meta.url).href;
const CLOSE_TIMEOUT_MS = 5_000;

export async function startSmtpSinkWorker(): Promise<SmtpSinkWorker> {
  // Workers do not inherit tsx's loader from `--import` (Node 20): register it inside the worker.
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(WORKER_SCRIPT)}); })`;
  const worker = new Worker(boot, { eval: true });
  const waiting = new Map<number, (count: SinkCount) => void>();
  let nextId = 0;
  let closed: (() => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (event: SinkEvent) => {
      if (event.type === 'listening') resolve(event.port);
      else if (event.type === 'count') waiting.get(event.id)?.({ messages: event.messages, bytes: event.bytes });
      else closed?.();
    });
  });
  const post = (request: SinkRequest) => worker.postMessage(request);
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    count: () =>
      new Promise<SinkCount>((resolve) => {
        const id = (nextId += 1);
        waiting.set(id, (count) => {
          waiting.delete(id);
          resolve(count);
        });
        post({ type: 'count', id });
      }),
    async close() {
      // smtp-server waits for open connections before it closes: do not wait for ever.
      await new Promise<void>((resolve) => {
        closed = resolve;
        setTimeout(resolve, CLOSE_TIMEOUT_MS).unref();
        post({ type: 'close' });
      });
      await worker.terminate();
    },
  };
}
