// Content distribution (WebSub §7): when a feed's first page changes, its topic's version moves
// (one small record) and every subscriber behind it is sent the current bytes, at most
// PUSH_CONCURRENCY at a time. 2xx acknowledges, 410 ends the subscription, anything else is
// retried with backoff; the acknowledgement is written after the send, so a crash sends again.
import { createHmac } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import { GIVE_UP_AFTER_MS, retryDelayMs, type WebSubSubscription, type WebSubTopic } from '../domain/websub.js';
import type { FeedCache, RenderedFeed } from '../feeds/feed-cache.js';
import { feedOfUrl } from '../feeds/feed-urls.js';
import type { Outbound } from '../net/outbound.js';
import type { WebSubStore } from '../store/websub.js';
import { createPace } from './pace.js';

/** Pushes under way at once: a dead callback holds one place for at most its timeout. */
export const PUSH_CONCURRENCY = 64;

export interface DistributorDeps {
  store: WebSubStore;
  feeds: FeedCache;
  baseUrl: string;
  clock: Clock;
  log: Logger;
  outbound: Outbound;
  /** Called with the topics whose bytes changed, after their new versions are on disk. */
  onTopicsChanged: (topics: string[]) => void;
}

export interface Distributor {
  /**
   * Compares the feeds' current bytes with the last announced, records the changes and sends
   * them. A topic seen for the first time is a change only after a write (`firstSightIsChange`);
   * otherwise its bytes become the baseline.
   */
  checkTopics(topics: Iterable<string>, firstSightIsChange: boolean): Promise<void>;
  /** Queues every subscription that is owed a push and due now. */
  queueDue(): void;
  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void>;
  /** Aborts the sends under way (they are sent again after a restart) and takes no more. */
  stop(): Promise<void>;
}

/** A push that went out (or found its feed gone), with the topic version it carried. */
interface Push {
  subscription: WebSubSubscription;
  version: number;
  outcome: 'acknowledged' | 'gone' | 'failed' | 'aborted' | 'nothing to send';
}

export function createDistributor(deps: DistributorDeps): Distributor {
  const { store, feeds, clock, log } = deps;
  const queued: string[] = [];
  const pending = new Set<string>();
  let active = 0;
  const pace = createPace(PUSH_CONCURRENCY);
  let stopped = false;
  const aborter = new AbortController();
  // Every send under way listens for the stop: that is many listeners, not a leak.
  setMaxListeners(0, aborter.signal);
  let waiters: (() => void)[] = [];
  /** The topic comparison under way (they run one at a time). */
  let checking: Promise<unknown> = Promise.resolve();

  // Idle once every subscription queued has been sent and its outcome recorded.
  const isIdle = () => pending.size === 0;
  function settle(): void {
    if (!isIdle()) return;
    for (const wake of waiters) wake();
    waiters = [];
  }

  function currentFeed(topic: string): RenderedFeed | undefined {
    const feed = feedOfUrl(deps.baseUrl, topic);
    if (!feed) return undefined;
    try {
      return feeds.get(feed.scope, feed.format, 1);
    } catch {
      // The category was hidden or emptied away: there is nothing to send for it now.
      return undefined;
    }
  }

  function queue(id: string): void {
    if (stopped || pending.has(id)) return;
    pending.add(id);
    queued.push(id);
    pump();
  }

  // At most one send starts per turn of the event loop, fewer while it is busy (pace.ts): a
  // fan-out to thousands then takes its turn beside the requests the service is answering
  // instead of running ahead of them.
  let pumpScheduled = false;
  function pump(): void {
    if (pumpScheduled || active >= pace.allowed() || !queued.length) return;
    pumpScheduled = true;
    let turns = pace.turnsBetween();
    const turn = () => {
      turns -= 1;
      if (turns > 0) return void setImmediate(turn);
      pumpScheduled = false;
      startNext();
      pump();
    };
    setImmediate(turn);
  }

  // A push holds its place while it is sent, not while its outcome is written: acknowledgements
  // wait to share a write (store/websub.ts), and the next sends need not wait for them. The
  // subscription stays pending until then, so it is not queued twice.
  function startNext(): void {
    if (active >= pace.allowed()) return;
    const id = queued.shift();
    if (id === undefined) return;
    active += 1;
    void pushOwed(id)
      .finally(() => {
        active -= 1;
        pump();
      })
      .then(record)
      .catch((err: unknown) => log.error({ err, subscription: id }, 'websub: a push could not be recorded'))
      .then((sendAgain) => {
        pending.delete(id);
        if (sendAgain) queue(id);
        settle();
      });
  }

  function isOwed(subscription: WebSubSubscription, now: Date): boolean {
    const topic = store.topic(subscription.topic);
    if (!topic || subscription.pushedVersion >= topic.version) return false;
    if (Date.parse(subscription.expiresAt) <= now.getTime()) return false;
    return !subscription.retryAt || Date.parse(subscription.retryAt) <= now.getTime();
  }

  /** Sends what a subscription is owed, if it still is one. */
  async function pushOwed(id: string): Promise<Push | undefined> {
    const subscription = store.subscription(id);
    if (!subscription || stopped || !isOwed(subscription, clock())) return undefined;
    // The version and the bytes are read together: a change after this point moves the version again.
    const version = store.topic(subscription.topic)!.version;
    const feed = currentFeed(subscription.topic);
    return { subscription, version, outcome: feed ? await send(subscription, feed) : 'nothing to send' };
  }

  /** Records how a push went; true when its topic changed again meanwhile. */
  async function record(push: Push | undefined): Promise<boolean> {
    if (!push) return false;
    const { subscription, version, outcome } = push;
    const at = clock();
    if (outcome === 'nothing to send') await store.updateSubscription(subscription.id, { pushedVersion: version });
    else if (outcome === 'gone') await store.removeSubscriptions([subscription.id]);
    else if (outcome === 'failed') await store.updateSubscription(subscription.id, failed(subscription, version, at));
    else if (outcome === 'acknowledged') {
      await store.updateSubscription(subscription.id, { pushedVersion: version, lastPushAt: at.toISOString(), failures: 0, failingSince: undefined, retryAt: undefined });
      // Changed again while this was sent: the newest bytes go out now.
      return (store.topic(subscription.topic)?.version ?? 0) > version;
    }
    return false;
  }

  async function send(subscription: WebSubSubscription, feed: RenderedFeed): Promise<Push['outcome']> {
    const headers: Record<string, string> = { 'content-type': feed.contentType, link: feed.links };
    if (subscription.secret) headers['x-hub-signature'] = `sha256=${createHmac('sha256', subscription.secret).update(feed.body).digest('hex')}`;
    try {
      const answer = await deps.outbound.send(subscription.callback, { method: 'POST', headers, body: feed.body, signal: aborter.signal });
      if (answer.status >= 200 && answer.status < 300) return 'acknowledged';
      return answer.status === 410 ? 'gone' : 'failed';
    } catch (err) {
      if (stopped) return 'aborted';
      log.info({ callback: subscription.callback, err: (err as Error).message }, 'websub: a push failed; it will be retried');
      return 'failed';
    }
  }

  async function compareTopics(topics: Iterable<string>, firstSightIsChange: boolean): Promise<void> {
    const changed: WebSubTopic[] = [];
    const baselines: WebSubTopic[] = [];
    for (const id of new Set(topics)) {
      const feed = currentFeed(id);
      const known = store.topic(id);
      if (!feed || known?.etag === feed.etag) continue;
      if (known || firstSightIsChange) changed.push({ id, version: (known?.version ?? 0) + 1, etag: feed.etag });
      else baselines.push({ id, version: 0, etag: feed.etag });
    }
    if (stopped) return;
    await store.saveTopics([...baselines, ...changed]);
    if (!changed.length) return;
    deps.onTopicsChanged(changed.map((topic) => topic.id));
    const now = clock();
    for (const topic of changed) for (const subscription of store.subscriptionsOf(topic.id)) if (isOwed(subscription, now)) queue(subscription.id);
  }

  return {
    checkTopics(topics, firstSightIsChange) {
      // One comparison at a time: each reads the versions the one before it wrote.
      const run = checking.then(() => compareTopics(topics, firstSightIsChange));
      checking = run.catch(() => undefined);
      return run;
    },
    queueDue() {
      const now = clock();
      for (const subscription of store.subscriptions()) if (isOwed(subscription, now)) queue(subscription.id);
    },
    idle: () => (isIdle() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    async stop() {
      stopped = true;
      for (const id of queued.splice(0)) pending.delete(id);
      aborter.abort();
      settle();
      if (!isIdle()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

/** A failed attempt: retried with backoff, given up a day after the first failure in a row. */
function failed(subscription: WebSubSubscription, version: number, at: Date): Partial<WebSubSubscription> {
  const failures = subscription.failures + 1;
  const failingSince = subscription.failingSince ?? at.toISOString();
  if (at.getTime() - Date.parse(failingSince) >= GIVE_UP_AFTER_MS) return { failures, pushedVersion: version, failingSince: undefined, retryAt: undefined };
  return { failures, failingSince, retryAt: new Date(at.getTime() + retryDelayMs(failures)).toISOString() };
}
