// WebSub subscriptions and topic versions over the engine. A feed change costs one small record
// (its topic's new version), however many subscribers it has: what each subscriber is owed is
// "its acknowledged version is behind", and the bytes are taken from the feed cache when sent.
// Writes go one after another; the subscription changes that arrive within GROUP_WINDOW_MS of
// each other or during a write go together in the next one (a fan-out to thousands acknowledges
// in a few journal entries, not thousands).
import type { WebSubSubscription, WebSubTopic } from '../domain/websub.js';
import type { Engine, RecordChange } from './collections.js';
import { gatherChanges } from './gathered-changes.js';
import { withChanges } from './run-ledger.js';

/**
 * How long a subscription change waits for others to share its write (see gathered-changes.ts). Each write costs a few file
 * operations on the event loop and an fsync; a change lost to a crash meanwhile is a push sent twice.
 */
const GROUP_WINDOW_MS = 50;

export interface WebSubStore {
  subscription(id: string): WebSubSubscription | undefined;
  /** Every subscription (a copy), for the admin list and the due-work sweep. */
  subscriptions(): WebSubSubscription[];
  subscriptionsOf(topic: string): WebSubSubscription[];
  /** Topic URLs that have at least one subscription. */
  subscribedTopics(): string[];
  topic(url: string): WebSubTopic | undefined;
  /** Adds or replaces a subscription (a verified re-subscription replaces the old one). */
  saveSubscription(subscription: WebSubSubscription): Promise<void>;
  /** Changes a subscription (nothing if it was removed meanwhile), in the next group write. */
  updateSubscription(id: string, changes: Partial<WebSubSubscription>): Promise<void>;
  removeSubscriptions(ids: readonly string[]): Promise<void>;
  /** Records new topic versions in one write. */
  saveTopics(topics: readonly WebSubTopic[]): Promise<void>;
}

export function createWebSubStore(engine: Engine): WebSubStore {
  const subscriptions = new Map<string, WebSubSubscription>();
  const byTopic = new Map<string, Set<string>>();
  const topics = new Map<string, WebSubTopic>();
  let tail: Promise<unknown> = Promise.resolve();

  /** Commits what `changes` returns once every write before it has ended (records read then, not now). */
  function write(changes: () => RecordChange[]): Promise<void> {
    const run = tail.then(() => {
      const list = changes();
      return list.length ? engine.commit(list) : undefined;
    });
    tail = run.catch(() => undefined);
    return run;
  }
  const subscriptionChange = (subscription: WebSubSubscription): RecordChange => ({ collection: 'websubSubscriptions', id: subscription.id, record: subscription });

  engine.register({
    name: 'websubSubscriptions',
    put(record) {
      const subscription = record as WebSubSubscription;
      subscriptions.set(subscription.id, subscription);
      let ids = byTopic.get(subscription.topic);
      if (!ids) byTopic.set(subscription.topic, (ids = new Set()));
      ids.add(subscription.id);
    },
    delete(id) {
      const subscription = subscriptions.get(id);
      if (!subscription) return;
      subscriptions.delete(id);
      const ids = byTopic.get(subscription.topic);
      ids?.delete(id);
      if (ids?.size === 0) byTopic.delete(subscription.topic);
    },
    records: () => [...subscriptions.values()],
  });
  engine.register({ name: 'websubTopics', put: (record) => void topics.set((record as WebSubTopic).id, record as WebSubTopic), delete: (id) => void topics.delete(id), records: () => [...topics.values()] });

  return {
    subscription: (id) => subscriptions.get(id),
    subscriptions: () => [...subscriptions.values()],
    subscriptionsOf: (topic) => [...(byTopic.get(topic) ?? [])].map((id) => subscriptions.get(id)!),
    subscribedTopics: () => [...byTopic.keys()],
    topic: (url) => topics.get(url),
    saveSubscription: (subscription) => write(() => [subscriptionChange({ ...subscription })]),
    updateSubscription: gatherChanges<WebSubSubscription>(GROUP_WINDOW_MS, (group) =>
      write(() =>
        [...group].flatMap(([id, changes]) => {
          const before = subscriptions.get(id);
          return before ? [subscriptionChange(withChanges(before, changes))] : [];
        }),
      ),
    ),
    removeSubscriptions: (ids) => write(() => ids.filter((id) => subscriptions.has(id)).map((id) => ({ collection: 'websubSubscriptions', id }))),
    saveTopics: (changed) => write(() => changed.map((topic) => ({ collection: 'websubTopics', id: topic.id, record: { ...topic } }))),
  };
}
