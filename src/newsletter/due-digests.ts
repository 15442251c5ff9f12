// Who is due at a tick of the clock, found through the store's indexes and never by a scan:
// daily and weekly subscribers whose slot has come (a heap by next digest time), and immediate
// subscribers who follow a category of an article published IMMEDIATE_DELAY ago.
import type { AppContext } from '../context.js';
import { nextDigestTime, type DigestKind, type Rhythm } from '../domain/cadence.js';
import type { SubscriberRecord } from '../domain/newsletter.js';
import { SITE_SCOPE } from '../store/articles.js';

export interface DueSubscriber {
  subscriber: SubscriberRecord;
  kind?: DigestKind;
}

export interface DueDigests {
  due: DueSubscriber[];
  /** Next digest times to record once the run is recorded (undefined: none until a new article). */
  reschedule: Map<string, string | undefined>;
}

/** The next digest time a rhythm gives from `now`: immediate subscribers wait for articles instead. */
export function nextDigestAt(rhythm: Rhythm | undefined, now: Date): string | undefined {
  if (!rhythm || rhythm.frequency === 'immediate') return undefined;
  return new Date(nextDigestTime(rhythm, now.getTime())).toISOString();
}

/**
 * The subscribers due at `now`. Immediate ones are due when an article of theirs, newer than
 * their watermark, was published in (`since`, now − IMMEDIATE_DELAY]: their digest then holds
 * everything published meanwhile, so a burst of articles is one email.
 */
export function findDueDigests(ctx: AppContext, now: Date, since: number): DueDigests {
  const { newsletter, articles } = ctx.store;
  const due = new Map<string, DueSubscriber>();
  const reschedule = new Map<string, string | undefined>();
  for (const subscriber of newsletter.dueSubscribers(now)) {
    due.set(subscriber.id, { subscriber, kind: subscriber.rhythm?.frequency });
    reschedule.set(subscriber.id, nextDigestAt(subscriber.rhythm, now));
  }
  const until = new Date(now.getTime() - ctx.config.immediateDelayMs);
  if (until.getTime() > since) {
    for (const article of articles.listDueSince([SITE_SCOPE], until, new Date(since))) {
      const published = Date.parse(article.publishedAt);
      for (const subscriber of newsletter.immediateFollowers(article.categories)) {
        if (due.has(subscriber.id) || Date.parse(subscriber.watermark ?? subscriber.createdAt) >= published) continue;
        due.set(subscriber.id, { subscriber, kind: 'immediate' });
      }
    }
  }
  return { due: [...due.values()], reschedule };
}
