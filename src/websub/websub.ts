// The WebSub hub built into Notiziario: takes (un)subscriptions, verifies them, pushes every feed
// change to its subscribers (distribute.ts) and tells other hubs (WEBSUB_HUBS) of it. Built once
// in the context; `start` sets its timer (retries, lease expiry), `stop` ends it before the store closes.
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import { subscriptionState } from '../domain/websub.js';
import type { FeedCache } from '../feeds/feed-cache.js';
import { FEED_FORMATS, feedOfUrl, feedPath } from '../feeds/feed-urls.js';
import type { Outbound } from '../net/outbound.js';
import { SITE_SCOPE, type ArticleStore } from '../store/articles.js';
import type { Leadership } from '../store/leadership.js';
import type { WebSubStore } from '../store/websub.js';
import { createDistributor } from './distribute.js';
import { parseHubRequest, type HubRequest } from './hub-request.js';
import { newSubscription, subscriptionId, verifyIntent } from './verify-intent.js';

/** How often due retries and expired leases are looked at: the first retry comes 30 s after a failure. */
const SWEEP_INTERVAL_MS = 15_000;

export interface WebSubDeps {
  store: WebSubStore;
  articles: ArticleStore;
  feeds: FeedCache;
  baseUrl: string;
  /** Other hubs told of every change (`hub.mode=publish`). */
  externalHubs: readonly string[];
  outbound: Outbound;
  clock: Clock;
  log: Logger;
  /** Pushes and sweeps run on one instance: the leader (see store/leadership.ts). */
  leadership: Leadership;
}

export interface SubscriptionView {
  id: string;
  topic: string;
  callback: string;
  state: 'active' | 'retrying' | 'expired';
  leaseEndsAt: string;
  lastPushAt: string | null;
  consecutiveFailures: number;
  nextAttemptAt: string | null;
}

export interface WebSub {
  /** Checks a hub request: a valid one is verified in the background (answer 202), else the reason. */
  request(form: unknown): { accepted: true } | { accepted: false; reason: string };
  /** Up to `limit` subscriptions after `cursor` (an id), ordered by id; `next` is the next cursor. */
  subscriptions(cursor: string | undefined, limit: number): { items: SubscriptionView[]; next?: string };
  /** What the timer does: drops expired leases, notices changed feeds, sends what is due. */
  runDueWork(): Promise<void>;
  /** Resolves once no verification, change, ping or push is under way. */
  idle(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createWebSub(deps: WebSubDeps): WebSub {
  const { store, clock, log } = deps;
  const underWay = new Set<Promise<unknown>>();
  const aborter = new AbortController();
  // Every verification and ping under way listens for the stop: many listeners, not a leak.
  setMaxListeners(0, aborter.signal);
  const changedScopes = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const distributor = createDistributor({ ...deps, onTopicsChanged: (topics) => topics.forEach(tellExternalHubs) });

  function track(name: string, work: Promise<unknown>): void {
    const promise = work.catch((err: unknown) => log.error({ err }, `websub: ${name} failed`)).finally(() => underWay.delete(promise));
    underWay.add(promise);
  }

  const isTopic = (url: string) => {
    const feed = feedOfUrl(deps.baseUrl, url);
    if (!feed) return false;
    try {
      deps.feeds.get(feed.scope, feed.format, 1);
      return true;
    } catch {
      return false;
    }
  };

  // Changes arrive with the write that made them; they are looked at once the writer has moved on.
  deps.articles.onChange((scopes) => {
    // Every instance sees every change; the leader alone pushes it.
    if (stopped || !deps.leadership.holds()) return;
    const first = changedScopes.size === 0;
    for (const scope of scopes) changedScopes.add(scope);
    if (first) track('change check', new Promise((resolve) => setImmediate(resolve)).then(checkChangedScopes));
  });

  function checkChangedScopes(): Promise<void> {
    const topics = watched([...changedScopes]);
    changedScopes.clear();
    return distributor.checkTopics(topics, true);
  }

  /** The feeds of these scopes that someone watches: rendering the others would be wasted, unless another hub is to be told. */
  function watched(scopes: string[]): string[] {
    const topics = scopes.flatMap((scope) => FEED_FORMATS.map((format) => deps.baseUrl + feedPath(scope, format)));
    return deps.externalHubs.length ? topics : topics.filter((topic) => store.subscriptionsOf(topic).length);
  }

  function tellExternalHubs(topic: string): void {
    for (const hub of deps.externalHubs) {
      const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString();
      const ping = deps.outbound.send(hub, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: aborter.signal }).then((answer) => {
        if (answer.status >= 300) log.warn({ hub, topic, status: answer.status }, 'websub: the hub did not take the publish ping');
      });
      track(`publish ping to ${hub}`, ping);
    }
  }

  async function verifyAndSave(request: HubRequest): Promise<void> {
    const confirmed = await verifyIntent(deps.outbound, request, aborter.signal);
    if (stopped) return;
    if (!confirmed) return log.info({ topic: request.topic, callback: request.callback, mode: request.mode }, 'websub: the callback did not confirm');
    if (request.mode === 'unsubscribe') return store.removeSubscriptions([subscriptionId(request.topic, request.callback)]);
    // The topic's current bytes become its baseline: the subscriber is owed the next change.
    await distributor.checkTopics([request.topic], false);
    await store.saveSubscription(newSubscription(request, store.topic(request.topic)?.version ?? 0, clock()));
  }

  async function runDueWork(): Promise<void> {
    const now = clock();
    const expired = store.subscriptions().filter((subscription) => subscriptionState(subscription, now) === 'expired');
    await store.removeSubscriptions(expired.map((subscription) => subscription.id));
    // A scheduled article that became due changes its feeds without a write.
    const scopes = deps.externalHubs.length ? [SITE_SCOPE, ...deps.articles.categories(now).map((category) => category.slug)] : [];
    await distributor.checkTopics([...store.subscribedTopics(), ...watched(scopes)], false);
    distributor.queueDue();
    await distributor.idle();
  }

  return {
    request(form) {
      const parsed = parseHubRequest(form, isTopic, deps.outbound);
      if (!parsed.ok) return { accepted: false, reason: parsed.reason };
      track('verification of intent', verifyAndSave(parsed.request));
      return { accepted: true };
    },
    subscriptions(cursor, limit) {
      const now = clock();
      const after = store
        .subscriptions()
        .filter((subscription) => cursor === undefined || subscription.id > cursor)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const items = after.slice(0, limit).map((subscription) => ({
        id: subscription.id,
        topic: subscription.topic,
        callback: subscription.callback,
        state: subscriptionState(subscription, now),
        leaseEndsAt: subscription.expiresAt,
        lastPushAt: subscription.lastPushAt ?? null,
        consecutiveFailures: subscription.failures,
        nextAttemptAt: subscription.retryAt ?? null,
      }));
      return { items, ...(after.length > limit ? { next: items.at(-1)!.id } : {}) };
    },
    runDueWork,
    async idle() {
      do {
        while (underWay.size) await Promise.all(underWay);
        await distributor.idle();
      } while (underWay.size);
    },
    start() {
      // What a crash left unacknowledged goes out now.
      const sweep = (name: string) => deps.leadership.holds() && track(name, runDueWork());
      sweep('start-up sweep');
      timer = setInterval(() => sweep('sweep'), SWEEP_INTERVAL_MS).unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      aborter.abort();
      await distributor.stop();
      while (underWay.size) await Promise.all(underWay);
    },
  };
}
