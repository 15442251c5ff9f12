// WebSub subscriptions and the rules the Recommendation leaves to the hub: how long a lease
// lasts, how a failed push is retried and when it is given up.

/** A subscription whose callback confirmed its intent: it is pushed every change of its topic. */
export interface WebSubSubscription {
  /** Derived from topic and callback: subscribing again replaces the same record. */
  id: string;
  /** The feed's first-page URL. */
  topic: string;
  callback: string;
  /** The HMAC key the subscriber gave (under 200 bytes), if any. */
  secret?: string;
  leaseSeconds: number;
  verifiedAt: string;
  expiresAt: string;
  /** The topic version this subscriber has acknowledged (or was given up on). */
  pushedVersion: number;
  lastPushAt?: string;
  /** Failed attempts in a row; 0 when the last push was acknowledged. */
  failures: number;
  /** When the first of those failures happened: retries stop a day after it. */
  failingSince?: string;
  /** When the next attempt is due, while retrying. */
  retryAt?: string;
}

/** A feed's change counter: a subscriber with a lower `pushedVersion` is owed the current bytes. */
export interface WebSubTopic {
  /** The feed's first-page URL. */
  id: string;
  version: number;
  /** The ETag of the bytes last announced: a re-render with the same bytes is no change. */
  etag: string;
}

export const DEFAULT_LEASE_SECONDS = 10 * 24 * 3600;
export const MIN_LEASE_SECONDS = 3600;
export const MAX_LEASE_SECONDS = 30 * 24 * 3600;
export const MAX_SECRET_BYTES = 199;

const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 3600_000;
/** A push that still fails this long after its first failure is given up. */
export const GIVE_UP_AFTER_MS = 24 * 3600_000;

/** The lease granted for a requested one: 10 days when none is asked, else within 1 hour … 30 days. */
export function grantedLease(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_LEASE_SECONDS;
  return Math.min(MAX_LEASE_SECONDS, Math.max(MIN_LEASE_SECONDS, requested));
}

/** The wait before the next attempt after `failures` failures in a row: 30 s, doubling, at most an hour. */
export function retryDelayMs(failures: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

/** Active means verified and not expired; retrying means the last attempt failed. */
export function subscriptionState(subscription: WebSubSubscription, now: Date): 'active' | 'retrying' | 'expired' {
  if (Date.parse(subscription.expiresAt) <= now.getTime()) return 'expired';
  return subscription.retryAt ? 'retrying' : 'active';
}
