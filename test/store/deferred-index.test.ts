// The retry tick's candidates come from an index of subscribers whose last delivery failed, kept
// up to date by every change and rebuilt at start, never from a pass over every subscriber.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { SubscriberRecord } from '../../src/domain/newsletter.js';
import { openStore } from '../../src/store/store.js';
import { makeDataDir } from '../helpers/service.js';

const NOW = '2026-11-27T08:00:00.000Z';
const subscriber = (id: string): SubscriberRecord => ({ id, email: `${id}@example.org`, categories: [], status: 'confirmed', source: 'import', createdAt: NOW, confirmedAt: NOW, watermark: NOW, failures: 0 });

describe('store: the subscribers a retry looks at', () => {
  it('are exactly those with failed attempts, as changes come and after a restart', async () => {
    const dir = await makeDataDir();
    try {
      let store = await openStore(dir);
      await store.newsletter.saveSubscribers(['a', 'b', 'c', 'd'].map(subscriber));
      assert.deepEqual(store.newsletter.deferredSubscribers(), []);
      await store.newsletter.updateSubscriber('b', { failures: 1, retryAfter: NOW });
      await store.newsletter.updateSubscriber('c', { failures: 2, retryAfter: NOW });
      await store.newsletter.updateSubscriber('c', { failures: 0, retryAfter: undefined });
      await store.newsletter.updateSubscriber('d', { failures: 1 });
      await store.newsletter.removeSubscribers(['d']);
      assert.deepEqual(store.newsletter.deferredSubscribers().map((s) => s.id), ['b']);
      await store.close();
      store = await openStore(dir);
      assert.deepEqual(store.newsletter.deferredSubscribers().map((s) => s.id), ['b']);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
