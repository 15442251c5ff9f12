// A loopback SMTP sink in a worker thread or in a process of its own: on a 2-core machine a
// server sharing the sender's event loop would take part of its time and move the figures. The
// sink accepts every message, counts messages and bytes, and tallies recipients per kind of
// message (see smtp-sink-worker.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KindTally, SinkEvent, SinkRequest } from './smtp-sink-worker.js';

export type { KindTally } from './smtp-sink-worker.js';

export interface SinkCount {
  messages: number;
  bytes: number;
}

export interface SmtpSinkWorker {
  /** For SMTP_URL: the sink has no usable certificate, so the client must not try STARTTLS. */
  url: string;
  /** The sink's process id when it runs in a process of its own. */
  pid?: number;
  /** Messages and bytes accepted since the sink started. */
  count(): Promise<SinkCount>;
  /** Messages of one kind (`digest`, `confirm`: the Message-ID's first word) since the last forget; `arrivals` adds each recipient's time. */
  tally(kind: string, arrivals?: boolean): Promise<KindTally>;
  /** Starts the tally of a kind again from nothing. */
  forget(kind: string): Promise<void>;
  close(): Promise<void>;
}

const WORKER_SCRIPT = new URL('./smtp-sink-worker.ts', import.meta.url);
const CLOSE_TIMEOUT_MS = 5_000;

interface Channel {
  pid?: number;
  post(request: SinkRequest): void;
  onEvent(listener: (event: SinkEvent) => void): void;
  onError(listener: (err: Error) => void): void;
  end(): Promise<unknown>;
}

/** The sink in a worker thread of this process. */
export function startSmtpSinkWorker(): Promise<SmtpSinkWorker> {
  // Workers do not inherit tsx's loader from `--import` (Node 20): register it inside the worker.
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(WORKER_SCRIPT.href)}); })`;
  const worker = new Worker(boot, { eval: true });
  return connect({
    post: (request) => worker.postMessage(request),
    onEvent: (listener) => void worker.on('message', listener),
    onError: (listener) => void worker.once('error', listener),
    end: () => worker.terminate(),
  });
}

/** The sink in a child process of its own (its own event loop and heap, scheduled apart). */
export function startSmtpSinkProcess(): Promise<SmtpSinkWorker> {
  const child = fork(fileURLToPath(WORKER_SCRIPT), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return connect({
    pid: child.pid!,
    post: (request) => void child.send(request),
    onEvent: (listener) => void child.on('message', listener),
    onError: (listener) => void child.once('error', listener),
    end: async () => void child.kill(),
  });
}

async function connect(channel: Channel): Promise<SmtpSinkWorker> {
  const waiting = new Map<number, (event: SinkEvent) => void>();
  let nextId = 0;
  let closed: (() => void) | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    channel.onError(reject);
    channel.onEvent((event) => {
      if (event.type === 'listening') resolve(event.port);
      else if (event.type === 'closed') closed?.();
      else waiting.get(event.id)?.(event);
    });
  });
  const ask = <E extends SinkEvent>(request: (id: number) => SinkRequest) =>
    new Promise<E>((resolve) => {
      const id = (nextId += 1);
      waiting.set(id, (event) => {
        waiting.delete(id);
        resolve(event as E);
      });
      channel.post(request(id));
    });
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    ...(channel.pid ? { pid: channel.pid } : {}),
    count: async () => {
      const { messages, bytes } = await ask<Extract<SinkEvent, { type: 'count' }>>((id) => ({ type: 'count', id }));
      return { messages, bytes };
    },
    tally: async (kind, arrivals = false) => (await ask<Extract<SinkEvent, { type: 'tally' }>>((id) => ({ type: 'tally', id, kind, arrivals }))).tally,
    forget: async (kind) => void (await ask((id) => ({ type: 'forget', id, kind }))),
    async close() {
      // smtp-server waits for open connections before it closes: do not wait for ever.
      await new Promise<void>((resolve) => {
        closed = resolve;
        setTimeout(resolve, CLOSE_TIMEOUT_MS).unref();
        channel.post({ type: 'close' });
      });
      await channel.end();
    },
  };
}
