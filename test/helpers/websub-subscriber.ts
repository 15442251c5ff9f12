// A WebSub subscriber on loopback for tests: a real HTTP server that answers verification GETs
// (echoing the challenge, or not) and records every push, answering each with the next status
// of a script (200 once the script is used up).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestService } from './service.js';

export interface Verification {
  path: string;
  query: URLSearchParams;
}

export interface Push {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface TestSubscriber {
  /** The callback URL for a path on this server (`/cb?x=1`). */
  url(path?: string): string;
  verifications: Verification[];
  pushes: Push[];
  /** Answers to the next pushes, in order (then 200); a `Location` header goes with 3xx. */
  pushStatuses: number[];
  /** Leave pushes unanswered (a dead callback) instead of answering them. */
  holdPushes?: boolean;
  /** Answer verifications with this instead of the challenge. */
  wrongChallenge?: string;
  /** Resolves when the pushes received reach `count`. */
  waitForPushes(count: number): Promise<Push[]>;
  waitForVerifications(count: number): Promise<Verification[]>;
  close(): Promise<void>;
}

export async function startSubscriber(): Promise<TestSubscriber> {
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((resolve) => resolve());
  const until = async <T>(done: () => T | undefined): Promise<T> => {
    for (;;) {
      const result = done();
      if (result !== undefined) return result;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  let server: Server;
  const subscriber: TestSubscriber = {
    url: (path = '/callback') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    verifications: [],
    pushes: [],
    pushStatuses: [],
    waitForPushes: (count) => until(() => (subscriber.pushes.length >= count ? subscriber.pushes : undefined)),
    waitForVerifications: (count) => until(() => (subscriber.verifications.length >= count ? subscriber.verifications : undefined)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve()) && server.closeAllConnections()),
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://subscriber');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET') {
        subscriber.verifications.push({ path: url.pathname, query: url.searchParams });
        res.end(subscriber.wrongChallenge ?? url.searchParams.get('hub.challenge') ?? '');
      } else {
        subscriber.pushes.push({ path: url.pathname + url.search, headers: req.headers, body: Buffer.concat(chunks) });
        wake();
        if (subscriber.holdPushes) return;
        const status = subscriber.pushStatuses.shift() ?? 200;
        res.writeHead(status, status >= 300 && status < 400 ? { location: subscriber.url('/moved') } : {}).end();
      }
      wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return subscriber;
}

/** Sends a hub request to the service, form-encoded. */
export function hubRequest(service: TestService, fields: Record<string, string>): Promise<Response> {
  return service.request('/websub', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

/** Subscribes a callback to a topic and waits until the service has verified and stored it. */
export async function subscribe(service: TestService, topic: string, callback: string, extra: Record<string, string> = {}): Promise<void> {
  const res = await hubRequest(service, { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback, ...extra });
  if (res.status !== 202) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
  await service.ctx.websub.idle();
}
