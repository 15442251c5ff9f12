// A source: a feed someone else publishes, fetched on a schedule, whose items become articles
// here. The rules of when to fetch it next are pure (they take `now`), so tests need no timers.

export type SourceState = 'active' | 'failing' | 'gone';

export interface SourceRecord {
  id: string;
  /** Where the feed is fetched; a permanent redirect (301, 308) changes it. */
  url: string;
  /** The feed's own title and site link, as of the last fetch that parsed. */
  title: string;
  siteUrl: string | null;
  /** Category names every article from this source is in. */
  categories: string[];
  /** Also put articles in the categories the item names itself. */
  keepCategories: boolean;
  intervalMinutes: number;
  /** How many items the first fetch imports (newest first). */
  backfill: number;
  state: SourceState;
  createdAt: string;
  etag?: string;
  lastModified?: string;
  lastFetchAt: string | null;
  nextFetchAt: string;
  lastError: string | null;
  /** Failed fetches in a row (0 after a success). */
  failures: number;
  /** True once a fetch has parsed the feed: later fetches import every new item. */
  backfilled: boolean;
  /** Items the first fetch left out (beyond `backfill`): never imported later as if new. */
  passedOver: string[];
  counts: { seen: number; imported: number; updated: number };
  /** WebSub: the hub the feed names, once subscribed to (see ingest/push.ts). */
  push?: SourcePush;
}

export interface SourcePush {
  hub: string;
  /** The topic URL as the feed names itself (its rel=self). */
  topic: string;
  /** Shared with the hub: its pushes are signed with it. */
  secret: string;
  /** `requested` until the hub's verification arrives; `active` while the lease lasts. */
  state: 'requested' | 'active';
  leaseEndsAt: string | null;
}

export const DEFAULT_INTERVAL_MINUTES = 30;
export const MIN_INTERVAL_MINUTES = 5;
export const DEFAULT_BACKFILL = 20;
/** No source waits longer than this between fetches, whatever it asks. */
export const MAX_DELAY_MS = 24 * 60 * 60 * 1000;
/** After this many failures in a row a source is `failing`, tried once a day. */
export const FAILING_AFTER = 10;

const MINUTE = 60_000;

/** What an answer asked of the next fetch: RSS `ttl` (minutes), Cache-Control max-age, Retry-After (seconds). */
export interface FetchHints {
  ttlMinutes?: number;
  maxAgeSeconds?: number;
  retryAfterSeconds?: number;
}

/** After a fetch that worked (200 or 304): the largest of the interval and what the feed asked, at most a day; a day while pushes arrive. */
export function nextFetchAfterSuccess(source: Pick<SourceRecord, 'intervalMinutes' | 'push'>, hints: FetchHints, now: Date): Date {
  // While the hub pushes every change, polling is a safety net only.
  if (isPushed(source, now)) return new Date(now.getTime() + MAX_DELAY_MS);
  const delays = [source.intervalMinutes * MINUTE, (hints.ttlMinutes ?? 0) * MINUTE, (hints.maxAgeSeconds ?? 0) * 1000, (hints.retryAfterSeconds ?? 0) * 1000];
  return new Date(now.getTime() + Math.min(MAX_DELAY_MS, Math.max(...delays)));
}

/** After the `failures`th failure in a row: the interval doubled per failure (and Retry-After), at most a day. */
export function nextFetchAfterFailure(source: Pick<SourceRecord, 'intervalMinutes'>, failures: number, hints: FetchHints, now: Date): Date {
  const backoff = failures >= FAILING_AFTER ? MAX_DELAY_MS : source.intervalMinutes * MINUTE * 2 ** Math.min(failures, 20);
  const delay = Math.min(MAX_DELAY_MS, Math.max(backoff, (hints.retryAfterSeconds ?? 0) * 1000));
  return new Date(now.getTime() + delay);
}

/** Retry-After as seconds from `now`: a number of seconds or an HTTP date. */
export function retryAfterSeconds(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now.getTime()) / 1000);
}

/** Cache-Control max-age in seconds, if the answer has one. */
export function maxAgeSeconds(header: string | undefined): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)/i.exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}

/** True while a hub's lease on this source's pushes lasts. */
export function isPushed(source: Pick<SourceRecord, 'push'>, now: Date): boolean {
  return source.push?.state === 'active' && !!source.push.leaseEndsAt && Date.parse(source.push.leaseEndsAt) > now.getTime();
}
