// A run's deliveries are written as the run starts, a slice at a time, and sent in the order
// they were written: each claimed once, across the store's read-ahead and across a restart.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { DeliveryRecord, RunRecord } from '../../src/domain/newsletter.js';
import { openStore, type Store } from '../../src/store/store.js';
import { createDatabaseFor, ON_POSTGRES } from '../helpers/database.js';
import { makeDataDir } from '../helpers/service.js';

const NOW = new Date('2026-11-29T08:00:00.000Z');
const LEASE_UNTIL = new Date(NOW.getTime() + 60_000);
/** More deliveries than the embedded ledger reads ahead at once (1 MB of lines). */
const DELIVERIES = 4000;
const PER_SLICE = 1000;
const PER_CLAIM = 100;

const run: RunRecord = { id: 'run-1', trigger: 'manual', startedAt: NOW.toISOString(), status: 'running', counts: { sent: 0, skipped: 0, deferred: 0, failed: 0 } };
const delivery = (index: number): DeliveryRecord => ({
  id: `delivery-${String(index).padStart(5, '0')}`,
  runId: run.id,
  subscriberId: `subscriber-${index}`,
  articleIds: Array.from({ length: 6 }, (_, article) => `article-${article}-of-a-long-enough-identifier`),
  cutoff: NOW.toISOString(),
  state: 'pending',
  messageId: `<digest.delivery-${index}@notiziario.example.org>`,
  updatedAt: NOW.toISOString(),
});

async function* slices(): AsyncGenerator<DeliveryRecord[]> {
  for (let start = 0; start < DELIVERIES; start += PER_SLICE) yield Array.from({ length: PER_SLICE }, (_, index) => delivery(start + index));
}

/** Claims and settles deliveries until `stopAfter` are done or none is left: each tenth cancelled, the others sent. */
async function sendSome(store: Store, claimed: string[], stopAfter = Infinity): Promise<void> {
  for (let done = 0; done < stopAfter; ) {
    const batch = await store.newsletter.claimDeliveries(run.id, PER_CLAIM, NOW, LEASE_UNTIL);
    if (!batch.length) return;
    // A second claim while the first is held finds other deliveries.
    const overlap = await store.newsletter.claimDeliveries(run.id, PER_CLAIM, NOW, LEASE_UNTIL);
    assert.equal(overlap.filter((other) => batch.some((mine) => mine.id === other.id)).length, 0);
    await store.newsletter.releaseDeliveries(overlap);
    claimed.push(...batch.map((claim) => claim.id));
    await Promise.all(batch.map((claim) => store.newsletter.updateDelivery(claim, { state: Number(claim.id.slice(-5)) % 10 === 0 ? 'cancelled' : 'sent' })));
    done += batch.length;
  }
}

describe('store: a run’s deliveries', () => {
  it('are claimed once each, in the order written, past the read-ahead and across a restart, with counts and detail that agree', async function () {
    this.timeout(120_000);
    const dir = await makeDataDir();
    const options = ON_POSTGRES ? { databaseUrl: await createDatabaseFor(dir) } : {};
    try {
      let store = await openStore(dir, options);
      await store.newsletter.addRun(run, slices());
      assert.deepEqual(await store.newsletter.tallyDeliveries(run.id), { sent: 0, deferred: 0, failed: 0, cancelled: 0, open: DELIVERIES });
      const claimed: string[] = [];
      await sendSome(store, claimed, DELIVERIES / 2);
      await store.close();

      store = await openStore(dir, options);
      assert.equal((await store.newsletter.tallyDeliveries(run.id)).open, DELIVERIES / 2);
      await sendSome(store, claimed);
      assert.deepEqual(claimed, Array.from({ length: DELIVERIES }, (_, index) => delivery(index).id));
      assert.deepEqual(await store.newsletter.tallyDeliveries(run.id), { sent: DELIVERIES * 0.9, deferred: 0, failed: 0, cancelled: DELIVERIES * 0.1, open: 0 });
      // A sender whose claim ran out records its send after another's: no error, nothing recounted.
      const [late] = await store.newsletter.deliveries(run.id, 2).then((records) => records.slice(1));
      await store.newsletter.updateDelivery(late!, { state: 'sent' });
      assert.deepEqual(await store.newsletter.tallyDeliveries(run.id), { sent: DELIVERIES * 0.9, deferred: 0, failed: 0, cancelled: DELIVERIES * 0.1, open: 0 });
      const firstThree = await store.newsletter.deliveries(run.id, 3);
      assert.deepEqual(firstThree.map((record) => [record.id, record.state]), [['delivery-00000', 'cancelled'], ['delivery-00001', 'sent'], ['delivery-00002', 'sent']]);
      assert.equal((await store.newsletter.deliveries(run.id)).length, DELIVERIES);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
