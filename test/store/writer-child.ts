// Run as a child process by crash-during-compaction.test.ts: opens the store with a tiny
// compaction threshold and writes as fast as it can, every kind of change, printing one line
// per acknowledged change. The parent kills it with SIGKILL at some moment.
// Usage: node --import tsx test/store/writer-child.ts <dataDir>
import type { DeliveryRecord } from '../../src/domain/newsletter.js';
import { openStore } from '../../src/store/store.js';

const dataDir = process.argv[2]!;
const NOW = '2026-11-27T08:00:00.000Z';
const store = await openStore(dataDir, { compactAfterBytes: 16 * 1024 });
const ack = (kind: string, id: string, value?: string) => process.stdout.write(`${JSON.stringify({ kind, id, value })}\n`);

store.articles.ensureCategories(['Cronaca']);
for (let n = 0; ; n += 1) {
  const article = await store.articles.create({ title: `Articolo ${n}`, summary: 's', contentHtml: `<p>${'testo '.repeat(50)}</p>`, author: 'a', categories: ['cronaca'], publishedAt: NOW, updatedAt: NOW, status: 'published' });
  ack('article', article.id);
  const id = `sub-${process.pid}-${n}`;
  await store.newsletter.saveSubscribers([{ id, email: `s${process.pid}.${n}@example.org`, categories: [], status: 'pending', source: 'form', createdAt: NOW, failures: 0 }]);
  ack('subscriber', id, 'pending');
  await store.newsletter.updateSubscriber(id, { status: 'confirmed', confirmedAt: NOW });
  ack('subscriber', id, 'confirmed');
  if (n % 5 === 0) {
    const run = `run-${process.pid}-${n}`;
    const delivery: DeliveryRecord = { id: `d-${process.pid}-${n}`, runId: run, subscriberId: id, articleIds: [article.id], cutoff: NOW, state: 'pending', messageId: `<d-${n}@x>`, updatedAt: NOW };
    await store.newsletter.addRun({ id: run, trigger: 'manual', startedAt: NOW, status: 'running', counts: { sent: 0, skipped: 0, deferred: 0, failed: 0 } }, [[delivery]]);
    const [claimed] = await store.newsletter.claimDeliveries(run, 1, new Date(NOW), new Date(Date.parse(NOW) + 60_000));
    await store.newsletter.updateDelivery(claimed!, { state: 'sent' }, { watermark: NOW });
    ack('delivery', run, id);
  }
}
