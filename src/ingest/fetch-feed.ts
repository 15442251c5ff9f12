// One fetch of a source's feed over the outbound module: a conditional GET, redirects followed
// (at most 5, each hop checked again by outbound), and the answer sorted into what the ingest does next.
import type { FetchHints } from '../domain/source.js';
import { maxAgeSeconds, retryAfterSeconds } from '../domain/source.js';
import type { Outbound } from '../net/outbound.js';

export const MAX_REDIRECTS = 5;
export const FETCH_TIMEOUT_MS = 20_000;
export const MAX_FEED_BYTES = 15 * 1024 * 1024;

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const FETCH_LIMITS: FetchLimits = { timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_FEED_BYTES };

export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
  userAgent: string;
  signal?: AbortSignal;
  limits: FetchLimits;
}

interface Fetched {
  /** The URL to keep for the source: the last one a chain of permanent redirects (301, 308) reached. */
  url: string;
  hints: FetchHints;
  /** Hubs named in a Link header (rel=hub), and the feed's self URL there. */
  hubs: string[];
  selfUrl?: string;
  transferredBytes: number;
}

export type FetchResult =
  | (Fetched & { kind: 'document'; body: Buffer; contentType: string; etag?: string; lastModified?: string })
  | (Fetched & { kind: 'not-modified' })
  | (Fetched & { kind: 'gone' })
  | (Fetched & { kind: 'failed'; reason: string });

export class FetchError extends Error {}

/** Fetches a feed; network failures, refused addresses, loops and oversized bodies throw (FetchError or outbound's). */
export async function fetchFeed(outbound: Outbound, request: FetchRequest, now: Date): Promise<FetchResult> {
  let url = request.url;
  let keptUrl = request.url;
  let permanentSoFar = true;
  const visited = new Set<string>();
  let transferredBytes = 0;
  for (let hop = 0; ; hop += 1) {
    if (visited.has(url)) throw new FetchError(`redirect loop at ${url}`);
    visited.add(url);
    const headers: Record<string, string> = { 'user-agent': request.userAgent, accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5' };
    // Validators belong to the stored URL's answer; after a redirect they still describe the same feed.
    if (request.etag) headers['if-none-match'] = request.etag;
    if (request.lastModified) headers['if-modified-since'] = request.lastModified;
    const answer = await outbound.send(url, { method: 'GET', headers, signal: request.signal, document: request.limits });
    transferredBytes += answer.transferredBytes;
    const header = (name: string) => [answer.headers[name]].flat()[0];
    if (answer.status >= 300 && answer.status < 400 && answer.status !== 304) {
      const location = header('location');
      if (!location) throw new FetchError(`${answer.status} without a Location from ${url}`);
      if (hop >= MAX_REDIRECTS) throw new FetchError(`more than ${MAX_REDIRECTS} redirects from ${request.url}`);
      const next = new URL(location, url).href;
      permanentSoFar &&= answer.status === 301 || answer.status === 308;
      if (permanentSoFar) keptUrl = next;
      url = next;
      continue;
    }
    const links = parseLinks([answer.headers.link].flat().filter((value): value is string => !!value));
    const fetched: Fetched = {
      url: keptUrl,
      hints: { maxAgeSeconds: maxAgeSeconds(header('cache-control')), retryAfterSeconds: retryAfterSeconds(header('retry-after'), now) },
      hubs: links.filter((link) => link.rel === 'hub').map((link) => new URL(link.href, url).href),
      selfUrl: links.find((link) => link.rel === 'self')?.href,
      transferredBytes,
    };
    if (answer.status === 304) return { ...fetched, kind: 'not-modified' };
    if (answer.status === 410) return { ...fetched, kind: 'gone' };
    if (answer.status !== 200) return { ...fetched, kind: 'failed', reason: `${url} answered ${answer.status}` };
    return { ...fetched, kind: 'document', body: answer.body, contentType: header('content-type') ?? '', etag: header('etag'), lastModified: header('last-modified') };
  }
}

/** `<url>; rel="hub", <url>; rel=self` → the links (one header or several). */
function parseLinks(headers: string[]): { href: string; rel: string }[] {
  return headers.flatMap((header) =>
    [...header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)].flatMap((match) => {
      const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')?.[1] ?? '';
      return rel.split(/\s+/).map((one) => ({ href: match[1]!, rel: one.toLowerCase() }));
    }),
  );
}
