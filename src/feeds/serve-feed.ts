// The feed URLs, answered straight from the cache on node:http, before Express's routing:
// conditional requests first (304), HEAD, CORS and caching headers on every answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parsePageNumber } from '../http/page-number.js';
import type { FeedCache, RenderedFeed } from './feed-cache.js';
import { feedOfPath } from './feed-urls.js';

// The absolute form of a request target (RFC 9112 §3.2.2), up to its path: `http://host`.
const SCHEME_AND_AUTHORITY = /^https?:\/\/[^/?#]*/i;
const CACHE_CONTROL = 'public, max-age=300';

/**
 * Answers a request for a feed and returns true, or returns false when the URL is not a feed.
 * Throws an HttpError (404, 400) for a feed URL that names nothing.
 */
export function serveFeed(cache: FeedCache, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = originForm(req.url ?? '/');
  const queryStart = url.indexOf('?');
  const named = feedOfPath(queryStart === -1 ? url : url.slice(0, queryStart));
  if (!named) return false;
  const page = queryStart === -1 ? 1 : parsePageNumber(new URLSearchParams(url.slice(queryStart + 1)).get('page'));
  const feed = cache.get(named.scope, named.format, page);
  const headers = headersFor(feed);
  if (isNotModified(req, feed)) {
    res.writeHead(304, headers.notModified).end();
  } else {
    res.writeHead(200, headers.ok);
    res.end(req.method === 'HEAD' ? undefined : feed.body);
  }
  return true;
}

/** The path and query of a request target, whether in origin form or absolute form. */
function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  const authority = SCHEME_AND_AUTHORITY.exec(target);
  return authority ? target.slice(authority[0].length) || '/' : target;
}

interface FeedHeaders {
  ok: string[];
  notModified: string[];
}

/** Each rendered feed's response headers, built once (as flat name/value lists) and reused. */
const builtHeaders = new WeakMap<RenderedFeed, FeedHeaders>();

function headersFor(feed: RenderedFeed): FeedHeaders {
  let headers = builtHeaders.get(feed);
  if (!headers) {
    const common = [
      'Content-Type', feed.contentType,
      'ETag', feed.etag,
      'Last-Modified', feed.lastModified,
      'Cache-Control', CACHE_CONTROL,
      'Access-Control-Allow-Origin', '*',
      'X-Content-Type-Options', 'nosniff',
      'Link', feed.links,
    ];
    headers = { ok: [...common, 'Content-Length', String(feed.body.length)], notModified: common };
    builtHeaders.set(feed, headers);
  }
  return headers;
}

/** RFC 9110 §13.2.2: If-None-Match wins; otherwise "not modified since" the given date. */
function isNotModified(req: IncomingMessage, feed: RenderedFeed): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch === feed.etag) return true;
    return ifNoneMatch.split(',').some((tag) => {
      const candidate = tag.trim();
      return candidate === '*' || candidate.replace(/^W\//, '') === feed.etag;
    });
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince === undefined || !feed.validatesByDate) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && feed.lastModifiedSeconds <= Math.floor(since / 1000);
}
