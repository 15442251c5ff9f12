// A sender hands out each delivery of a run once, even when its own claim runs out while the
// send is slow, and until the send's record is written, however long that takes.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { DeliveryRecord, RunRecord } from '../../src/domain/newsletter.js';
import { claimDeliveries } from '../../src/newsletter/run-workers.js';
import { openStore } from '../../src/store/store.js';
import { createDatabaseFor, ON_POSTGRES } from '../helpers/database.js';
import { makeDataDir } from '../helpers/service.js';

const START = Date.parse('2026-11-29T08:00:00.000Z');
const LEASE_MS = 60_000;
const run: RunRecord = { id: 'run-1', trigger: 'manual', startedAt: new Date(START).toISOString(), status: 'running', counts: { sent: 0, skipped: 0, deferred: 0, failed: 0 } };
const delivery = (index: number): DeliveryRecord => ({
  id: `delivery-${index}`,
  runId: run.id,
  subscriberId: `subscriber-${index}`,
  articleIds: ['article-1'],
  cutoff: run.startedAt,
  state: 'pending',
  messageId: `<digest.delivery-${index}@notiziario.example.org>`,
  updatedAt: run.startedAt,
});

describe('newsletter: claims of a run', () => {
  it('a sender does not hand out again a delivery whose claim ran out while its send or its record is still under way', async () => {
    const dir = await makeDataDir();
    const store = await openStore(dir, ON_POSTGRES ? { databaseUrl: await createDatabaseFor(dir) } : {});
    try {
      await store.newsletter.addRun(run, [[delivery(0), delivery(1), delivery(2)]]);
      let now = START;
      const ctx = { clock: () => new Date(now), store };
      const sender = claimDeliveries(ctx, run.id, 2, LEASE_MS);
      const first = (await sender.next())!;
      // Its send is over; the write of its "sent" is not (a slow disk).
      let written!: () => void;
      const record = new Promise<void>((resolve) => (written = resolve));
      sender.done(first, record);
      // The second is still being sent when every lease has run out.
      const second = (await sender.next())!;
      now += 2 * LEASE_MS;
      const handedOut = [first.id, second.id];
      for (let next = await sender.next(); next; next = await sender.next()) handedOut.push(next.id);
      assert.deepEqual(handedOut, ['delivery-0', 'delivery-1', 'delivery-2']);

      // Once recorded, nobody is handed it again; another sender takes over the others, whose leases ran out.
      await store.newsletter.updateDelivery(first, { state: 'sent', updatedAt: new Date(now).toISOString() });
      written();
      await record;
      now += 2 * LEASE_MS;
      const later = claimDeliveries(ctx, run.id, 3, LEASE_MS);
      const left: string[] = [];
      for (let next = await later.next(); next; next = await later.next()) left.push(next.id);
      assert.deepEqual(left, ['delivery-1', 'delivery-2']);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
