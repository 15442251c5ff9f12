// Who is due at a tick of the clock, found through the store's indexes and never by a scan:
// daily and weekly subscribers whose slot has come (a heap by next digest time), and immediate
// subscribers who follow a category of an article published IMMEDIATE_DELAY ago.
import type { NewsletterDeps } from './deps.js';
import { nextDigestTime, type DigestKind, type Rhythm } from '../domain/cadence.js';
import { listedAt } from '../domain/article.js';
import type { SubscriberRecord } from '../domain/newsletter.js';
import { SITE_SCOPE } from '../store/articles.js';

export interface DueSubscriber {
  subscriber: SubscriberRecord;
  kind?: DigestKind;
}

export interface DueDigests {
  due: DueSubscriber[];
  /** Subscribers whose next digest time moves on once the run is recorded. */
  reschedule: string[];
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
export function findDueDigests(ctx: NewsletterDeps, now: Date, since: number): DueDigests {
  const { newsletter, articles } = ctx.store;
  const due = new Map<string, DueSubscriber>();
  const reschedule: string[] = [];
  for (const subscriber of newsletter.dueSubscribers(now)) {
    due.set(subscriber.id, { subscriber, kind: subscriber.rhythm?.frequency });
    reschedule.push(subscriber.id);
  }
  const until = new Date(now.getTime() - ctx.config.immediateDelayMs);
  if (until.getTime() > since) {
    for (const article of articles.listDueSince([SITE_SCOPE], until, new Date(since))) {
      const published = Date.parse(listedAt(article));
      for (const subscriber of newsletter.immediateFollowers(article.categories)) {
        if (due.has(subscriber.id) || Date.parse(subscriber.watermark ?? subscriber.createdAt) >= published) continue;
        due.set(subscriber.id, { subscriber, kind: 'immediate' });
      }
    }
  }
  return { due: [...due.values()], reschedule };
}

/**
 * Where a due subscriber's next digest time moves: their rhythm's next slot (immediate: none),
 * unless a change of rhythm during the tick has already set a later one.
 */
export function rescheduleAfter(now: Date): (subscriber: SubscriberRecord) => string | undefined {
  return (subscriber) => (subscriber.nextDigestAt && Date.parse(subscriber.nextDigestAt) > now.getTime() ? subscriber.nextDigestAt : nextDigestAt(subscriber.rhythm, now));
}
