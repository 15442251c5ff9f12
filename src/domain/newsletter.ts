// The words of the email half: subscriber, run, delivery; and the pure rules that decide who
// gets what and when to try again.
import type { ArticleRecord, Category } from './article.js';
import type { DigestKind, Rhythm } from './cadence.js';

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'bouncing' | 'erased';

export interface SubscriberRecord {
  id: string;
  /** Lowercased; empty once the subscriber has been erased. */
  email: string;
  name?: string;
  /** Category slugs; empty means every category, those added later included. */
  categories: string[];
  status: SubscriberStatus;
  source: 'form' | 'import';
  createdAt: string;
  confirmedAt?: string;
  /** Articles published up to this instant were sent, or came before the subscription. */
  watermark?: string;
  /** Failed attempts since the last delivery that went through: drives the backoff. */
  failures: number;
  /** Permanent (5xx) refusals in a row: BOUNCE_LIMIT of them and the address is bouncing. */
  bounces?: number;
  retryAfter?: string;
  unsubscribedAt?: string;
  /** What the subscriber chose; absent: the site's NEWSLETTER_CRON in TIMEZONE. */
  rhythm?: Rhythm;
  /** When their next digest is due (daily and weekly; immediate after a change of rhythm). */
  nextDigestAt?: string;
}

/**
 * pending → sent | deferred | failed; cancelled when the subscriber left meanwhile. `sending` is
 * what earlier versions wrote before each SMTP transaction: found in a run they left, it is open.
 */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'deferred' | 'failed' | 'cancelled';

/** One digest for one subscriber in one run: what was chosen, and how far sending got. */
export interface DeliveryRecord {
  id: string;
  runId: string;
  subscriberId: string;
  articleIds: string[];
  /** The subscriber's new watermark once this delivery is sent. */
  cutoff: string;
  state: DeliveryState;
  messageId: string;
  updatedAt: string;
  error?: string;
  /** The digest of a rhythm (its subject says so); absent: the site's usual digest. */
  kind?: DigestKind;
}

export interface RunCounts {
  sent: number;
  skipped: number;
  deferred: number;
  failed: number;
}

export interface RunRecord {
  id: string;
  /**
   * `schedule`: NEWSLETTER_CRON, for subscribers without a rhythm; `due`: subscribers whose
   * rhythm made them due; `retry`: only subscribers whose earlier delivery was deferred.
   */
  trigger: 'schedule' | 'manual' | 'retry' | 'due';
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'finished';
  counts: RunCounts;
}

/** A pending subscription that is not confirmed within this time is dropped. */
export const PENDING_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
/** Nobody can make us mail one address a confirmation more often than this. */
export const CONFIRMATION_RESEND_INTERVAL_MS = 10 * 60 * 1000;
/** Permanent (5xx) failures in a row after which an address is no longer mailed. */
export const BOUNCE_LIMIT = 3;

const BACKOFF_BASE_MS = 15 * 60 * 1000;
const BACKOFF_MAX_MS = 24 * 60 * 60 * 1000;

/** When to try a subscriber again after `failures` failed attempts: 15 min, 30, 60 … up to a day. */
export function retryAfter(now: Date, failures: number): Date {
  return new Date(now.getTime() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1)));
}

/** What a failed delivery changes for its subscriber: the next try, and maybe bouncing. */
export function afterFailure(subscriber: SubscriberRecord, permanent: boolean, now: Date): Partial<SubscriberRecord> {
  const failures = subscriber.failures + 1;
  const bounces = permanent ? (subscriber.bounces ?? 0) + 1 : 0;
  return { failures, bounces, retryAfter: retryAfter(now, failures).toISOString(), ...(bounces >= BOUNCE_LIMIT ? { status: 'bouncing' as const } : {}) };
}

/** What a delivered digest changes: the watermark moves, the failure counts start again. */
export function afterDelivery(delivery: DeliveryRecord): Partial<SubscriberRecord> {
  return { watermark: delivery.cutoff, failures: 0, bounces: 0, retryAfter: undefined };
}

/** The categories a subscriber follows now: theirs, or every one when they chose none. */
export function followedCategories(subscriber: SubscriberRecord, allSlugs: () => string[]): string[] {
  return subscriber.categories.length ? subscriber.categories : allSlugs();
}

export function isMailable(subscriber: SubscriberRecord, now: Date): boolean {
  return subscriber.status === 'confirmed' && (!subscriber.retryAfter || Date.parse(subscriber.retryAfter) <= now.getTime());
}

export interface DigestSection {
  category: Category;
  articles: ArticleRecord[];
}

/**
 * Groups a digest's articles under the subscriber's categories, in the order the subscriber
 * chose them; an article in two of their categories appears once, under the first.
 */
export function groupDigest(articles: readonly ArticleRecord[], subscribed: readonly Category[]): DigestSection[] {
  const placed = new Set<string>();
  return subscribed
    .map((category) => ({
      category,
      articles: articles.filter((article) => {
        if (placed.has(article.id) || !article.categories.includes(category.slug)) return false;
        placed.add(article.id);
        return true;
      }),
    }))
    .filter((section) => section.articles.length > 0);
}
