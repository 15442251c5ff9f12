// WebSub subscriptions and topic versions over the engine. A feed change costs one small record
// (its topic's new version), however many subscribers it has: what each subscriber is owed is
// "its acknowledged version is behind", and the bytes are taken from the feed cache when sent.
import type { WebSubSubscription, WebSubTopic } from '../domain/websub.js';
import type { StoreEngine } from './engine.js';
import { createKeyedQueue } from './keyed-queue.js';
import { withChanges } from './run-ledger.js';

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
  /** Changes a subscription unless it was removed meanwhile (then undefined). */
  updateSubscription(id: string, changes: Partial<WebSubSubscription>): Promise<WebSubSubscription | undefined>;
  removeSubscriptions(ids: readonly string[]): Promise<void>;
  /** Records new topic versions in one write. */
  saveTopics(topics: readonly WebSubTopic[]): Promise<void>;
}

export function createWebSubStore(engine: StoreEngine): WebSubStore {
  const subscriptions = new Map<string, WebSubSubscription>();
  const byTopic = new Map<string, Set<string>>();
  const topics = new Map<string, WebSubTopic>();
  const oneAtATime = createKeyedQueue();

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
    saveSubscription: (subscription) => oneAtATime(subscription.id, () => engine.commit([{ collection: 'websubSubscriptions', id: subscription.id, record: { ...subscription } }])),
    updateSubscription: (id, changes) =>
      oneAtATime(id, async () => {
        const before = subscriptions.get(id);
        if (!before) return undefined;
        const after = withChanges(before, changes);
        await engine.commit([{ collection: 'websubSubscriptions', id, record: after }]);
        return after;
      }),
    async removeSubscriptions(ids) {
      const known = ids.filter((id) => subscriptions.has(id));
      if (known.length) await engine.commit(known.map((id) => ({ collection: 'websubSubscriptions', id })));
    },
    async saveTopics(changed) {
      if (changed.length) await engine.commit(changed.map((topic) => ({ collection: 'websubTopics', id: topic.id, record: { ...topic } })));
    },
  };
}
