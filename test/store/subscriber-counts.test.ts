// The console's counts and rhythm outlook come from figures the store keeps as subscribers
// change, never from a pass over all of them: they must agree with such a pass, after any
// change and after a restart.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { SubscriberRecord } from '../../src/domain/newsletter.js';
import { openStore, type Store } from '../../src/store/store.js';
import { createDatabaseFor, ON_POSTGRES } from '../helpers/database.js';
import { makeDataDir } from '../helpers/service.js';

const NOW = '2026-11-29T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();
const subscriber = (id: string, changes: Partial<SubscriberRecord> = {}): SubscriberRecord => ({ id, email: `${id}@example.org`, categories: [], status: 'confirmed', source: 'import', createdAt: NOW, confirmedAt: NOW, failures: 0, ...changes });

/** What a pass over every subscriber finds. */
function counted(store: Store) {
  const byStatus = { pending: 0, confirmed: 0, unsubscribed: 0, bouncing: 0 };
  const confirmedByCategory = new Map<string, number>();
  const until = at(60);
  let earliest: string | undefined;
  let dueBy = 0;
  for (const { status, categories, nextDigestAt } of store.newsletter.allSubscribers()) {
    if (status === 'erased') continue;
    byStatus[status] += 1;
    if (status !== 'confirmed') continue;
    for (const slug of categories.length ? categories : ['']) confirmedByCategory.set(slug, (confirmedByCategory.get(slug) ?? 0) + 1);
    if (!nextDigestAt) continue;
    if (!earliest || nextDigestAt < earliest) earliest = nextDigestAt;
    if (nextDigestAt <= until) dueBy += 1;
  }
  return { byStatus, confirmedByCategory: [...confirmedByCategory].sort(), earliest, dueBy };
}

function kept(store: Store) {
  const { byStatus, confirmedByCategory } = store.newsletter.subscriberCounts();
  const { earliest, dueBy } = store.newsletter.scheduledDigests(new Date(at(60)));
  return { byStatus, confirmedByCategory: [...confirmedByCategory].sort(), earliest: earliest?.toISOString(), dueBy };
}

describe('store: subscriber counts and the rhythm outlook', () => {
  it('agree with a pass over every subscriber after each kind of change and after a restart', async () => {
    const dir = await makeDataDir();
    const options = ON_POSTGRES ? { databaseUrl: await createDatabaseFor(dir) } : {};
    try {
      let store = await openStore(dir, options);
      await store.newsletter.saveSubscribers([
        subscriber('a', { categories: ['salute', 'sport'], nextDigestAt: at(30) }),
        subscriber('b', { nextDigestAt: at(90) }),
        subscriber('c', { status: 'pending', confirmedAt: undefined }),
        subscriber('d', { categories: ['sport'], nextDigestAt: at(10) }),
        subscriber('e', { categories: ['cultura'] }),
      ]);
      const expected = {
        byStatus: { pending: 1, confirmed: 4, unsubscribed: 0, bouncing: 0 },
        confirmedByCategory: [['', 1], ['cultura', 1], ['salute', 1], ['sport', 2]],
        earliest: at(10),
        dueBy: 2,
      };
      assert.deepEqual(counted(store), expected);
      assert.deepEqual(kept(store), expected);

      await store.newsletter.updateSubscriber('c', { status: 'confirmed', confirmedAt: NOW, categories: ['cultura'] });
      await store.newsletter.updateSubscriber('a', { categories: ['salute'] });
      // A due time moved and moved back is one subscriber due, not two.
      await store.newsletter.updateSubscriber('b', { nextDigestAt: at(20) });
      await store.newsletter.updateSubscriber('b', { nextDigestAt: at(50) });
      await store.newsletter.updateSubscriber('b', { nextDigestAt: at(20) });
      await store.newsletter.updateSubscriber('d', { status: 'unsubscribed' });
      await store.newsletter.updateSubscriber('e', { status: 'bouncing' });
      const changed = {
        byStatus: { pending: 0, confirmed: 3, unsubscribed: 1, bouncing: 1 },
        confirmedByCategory: [['', 1], ['cultura', 1], ['salute', 1]],
        earliest: at(20),
        dueBy: 2,
      };
      assert.deepEqual(counted(store), changed);
      assert.deepEqual(kept(store), changed);

      await store.newsletter.updateSubscriber('a', { status: 'erased', email: '', categories: [], nextDigestAt: undefined });
      await store.newsletter.removeSubscribers(['c']);
      const erased = { byStatus: { pending: 0, confirmed: 1, unsubscribed: 1, bouncing: 1 }, confirmedByCategory: [['', 1]], earliest: at(20), dueBy: 1 };
      assert.deepEqual(counted(store), erased);
      assert.deepEqual(kept(store), erased);

      await store.close();
      store = await openStore(dir, options);
      assert.deepEqual(kept(store), erased);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
