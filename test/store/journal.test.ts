// The newsletter's delivery journal: what a crash leaves in it is applied when the store opens,
// exactly once, and a line torn by the crash is ignored.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NEWSLETTER_FILE, NEWSLETTER_JOURNAL, openStore } from '../../src/store/store.js';
import { makeDataDir } from '../helpers/service.js';

const subscriber = { id: 's1', email: 'a@example.org', categories: [], status: 'confirmed', source: 'import', createdAt: '2026-11-01T00:00:00.000Z', watermark: '2026-11-01T00:00:00.000Z', failures: 2, retryAfter: '2026-11-02T00:00:00.000Z' };
const delivery = (id: string, state: string) => ({ id, runId: 'r1', subscriberId: 's1', articleIds: ['x'], cutoff: '2026-11-27T08:00:00.000Z', state, messageId: `<${id}@localhost>`, updatedAt: '2026-11-27T08:00:00.000Z' });

describe('store: the delivery journal', () => {
  it('applies the entries the file lacks at open, skips those it holds, ignores a torn last line, then starts afresh', async () => {
    const dataDir = await makeDataDir();
    const file = { schemaVersion: 1, journalSeq: 1, subscribers: [subscriber], runs: [{ id: 'r1', trigger: 'manual', startedAt: '2026-11-27T08:00:00.000Z', status: 'running', counts: { sent: 0, skipped: 0, deferred: 0, failed: 0 } }], deliveries: [delivery('d1', 'sent'), delivery('d2', 'pending')] };
    await writeFile(path.join(dataDir, NEWSLETTER_FILE), JSON.stringify(file));
    const lines = [
      // Already in the file (seq 1): must not undo d1's "sent".
      { seq: 1, delivery: 'd1', changes: { state: 'sending' } },
      { seq: 2, delivery: 'd2', changes: { state: 'sending' } },
      { seq: 3, delivery: 'd2', changes: { state: 'sent' }, subscriberChanges: { watermark: '2026-11-27T08:00:00.000Z', failures: 0, retryAfter: null } },
    ].map((entry) => JSON.stringify(entry));
    await writeFile(path.join(dataDir, NEWSLETTER_JOURNAL), `${lines.join('\n')}\n{"seq":4,"delivery":"d2","chan`);

    const store = await openStore(dataDir);
    try {
      const [d1, d2] = store.newsletter.deliveries('r1');
      assert.equal(d1!.state, 'sent');
      assert.equal(d2!.state, 'sent');
      const after = store.newsletter.subscriberById('s1')!;
      assert.equal(after.watermark, '2026-11-27T08:00:00.000Z');
      assert.equal(after.failures, 0);
      assert.equal(after.retryAfter, undefined, 'null in the journal unsets the field');
      const onDisk = JSON.parse(await readFile(path.join(dataDir, NEWSLETTER_FILE), 'utf8'));
      assert.equal(onDisk.journalSeq, 3);
      assert.equal(onDisk.deliveries[1].state, 'sent');
      assert.equal(await readFile(path.join(dataDir, NEWSLETTER_JOURNAL), 'utf8'), '', 'the journal starts afresh once the file holds it');
    } finally {
      await store.close();
    }
  });

  it('journals each delivery change and folds the journal into the file when the run is recorded', async () => {
    const dataDir = await makeDataDir();
    await writeFile(path.join(dataDir, NEWSLETTER_FILE), JSON.stringify({ schemaVersion: 1, subscribers: [subscriber], runs: [], deliveries: [] }));
    const store = await openStore(dataDir);
    try {
      await store.newsletter.addRun({ id: 'r1', trigger: 'manual', startedAt: '2026-11-27T08:00:00.000Z', status: 'running', counts: { sent: 0, skipped: 0, deferred: 0, failed: 0 } }, [delivery('d1', 'pending') as never]);
      await store.newsletter.updateDelivery('d1', { state: 'sending' });
      await store.newsletter.updateDelivery('d1', { state: 'sent' }, { failures: 0 });
      const journal = (await readFile(path.join(dataDir, NEWSLETTER_JOURNAL), 'utf8')).trim().split('\n');
      assert.equal(journal.length, 2, 'two appended lines, no rewrite of the file');
      assert.equal(JSON.parse(await readFile(path.join(dataDir, NEWSLETTER_FILE), 'utf8')).deliveries[0].state, 'pending');
      await store.newsletter.updateRun('r1', { status: 'finished' });
      assert.equal(JSON.parse(await readFile(path.join(dataDir, NEWSLETTER_FILE), 'utf8')).deliveries[0].state, 'sent');
      assert.equal(await readFile(path.join(dataDir, NEWSLETTER_JOURNAL), 'utf8'), '');
    } finally {
      await store.close();
    }
  });
});
