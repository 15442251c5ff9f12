// A feed publisher on loopback for the ingest's tests: serves what each test sets per path, and
// counts the requests and bytes it answered.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Upstream {
  url: string;
  /** Answers `handler` at `route` from now on. */
  set(route: string, handler: UpstreamHandler): void;
  /** Requests received per path. */
  hits(route: string): number;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const handlers = new Map<string, UpstreamHandler>();
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    const handler = handlers.get(new URL(req.url!, 'http://x').pathname);
    if (!handler) return void res.writeHead(404).end('no such feed');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    set: (route, handler) => void handlers.set(route, handler),
    hits: (route) => requests.filter((req) => new URL(req.url!, 'http://x').pathname === route).length,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function fixture(name: string): Buffer {
  return readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'feeds', name));
}

/** Serves a body with an ETag, answering 304 to a request that has it. */
export function feedWithEtag(body: Buffer | string, contentType = 'application/rss+xml; charset=utf-8', etag = '"v1"', headers: Record<string, string> = {}): UpstreamHandler {
  return (req, res) => {
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, ...headers }).end();
    res.writeHead(200, { 'content-type': contentType, etag, ...headers }).end(body);
  };
}
