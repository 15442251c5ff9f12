// The baseline: a bare node:http server sending one feed's bytes from memory with the headers the
// service sent. The service's feed path should cost little more than this.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedFeed {
  body: Buffer;
  /** The headers the service answered with (Content-Type, ETag, Last-Modified, …). */
  headers: Record<string, string>;
  etag: string;
}

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

/** Answers every GET with the feed: 304 when If-None-Match names its ETag, else 200 and the bytes. */
export async function startBareServer(feed: CapturedFeed): Promise<BareServer> {
  const fullHeaders = { ...feed.headers, 'Content-Length': String(feed.body.length) };
  const server = createServer((req, res) => {
    if (req.headers['if-none-match'] === feed.etag) {
      res.writeHead(304, feed.headers).end();
      return;
    }
    res.writeHead(200, fullHeaders);
    res.end(feed.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** The headers a cached feed answer carries, as the service sent them (lower-case names). */
export const FEED_HEADERS = ['content-type', 'etag', 'last-modified', 'cache-control', 'access-control-allow-origin', 'x-content-type-options'];

/** Fetches a feed from the service and keeps its bytes and headers for the bare server. */
export async function captureFeed(url: string): Promise<CapturedFeed> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`bench: ${url} answered ${response.status}`);
  const headers: Record<string, string> = {};
  for (const name of FEED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  if (!headers.etag) throw new Error(`bench: ${url} sent no ETag`);
  return { body: Buffer.from(await response.arrayBuffer()), headers, etag: headers.etag };
}
