// The store's journal and snapshots: what was acknowledged is what a restart finds, whether it
// is still in the journal or already compacted; a torn last line is ignored; a compaction runs
// while writes go on; the files of the previous version are migrated.
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArticleRecord } from '../../src/domain/article.js';
import type { DeliveryRecord, RunRecord, SubscriberRecord } from '../../src/domain/newsletter.js';
import { LEGACY_JOURNAL } from '../../src/store/newsletter-migration.js';
import { CONTENT_FILE, NEWSLETTER_FILE, openStore, type Store } from '../../src/store/store.js';
import { makeDataDir } from '../helpers/service.js';

const NOW = '2026-11-27T08:00:00.000Z';
const articleFields = (title: string) => ({ title, summary: title, contentHtml: `<p>${title}</p>`, author: 'Redazione', categories: ['cronaca'], publishedAt: NOW, updatedAt: NOW, status: 'published' as const });
const subscriberRecord = (id: string, email: string): SubscriberRecord => ({ id, email, categories: [], status: 'confirmed', source: 'import', createdAt: NOW, confirmedAt: NOW, watermark: NOW, failures: 0 });
const runRecord = (id: string): RunRecord => ({ id, trigger: 'manual', startedAt: NOW, status: 'running', counts: { sent: 0, skipped: 0, deferred: 0, failed: 0 } });
const deliveryRecord = (id: string, runId: string, subscriberId: string, state = 'pending'): DeliveryRecord =>
  ({ id, runId, subscriberId, articleIds: ['x'], cutoff: NOW, state, messageId: `<${id}@localhost>`, updatedAt: NOW }) as DeliveryRecord;

/** Everything a restart must find, as plain data. */
async function stateOf(store: Store) {
  const { articles, newsletter } = store;
  const now = new Date('2030-01-01T00:00:00.000Z');
  const deliveries = await Promise.all(newsletter.unfinishedRuns().map((run) => newsletter.deliveries(run.id)));
  return {
    articles: articles.listDue('', now, 0, 1000).map((article) => ({ ...article })),
    categories: articles.categories(now).map((category) => ({ ...category })),
    subscribers: newsletter.allSubscribers().map((subscriber) => ({ ...subscriber })),
    runs: newsletter.runs().map((run) => ({ ...run })),
    deliveries: deliveries.flat().map((delivery) => ({ ...delivery })),
  };
}

const journalFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('store.journal.')).sort();

/** Every kind of change: article created, changed, deleted (slug retired); subscribers; a run and its deliveries. */
async function changeEverything(store: Store): Promise<ArticleRecord> {
  const { articles, newsletter } = store;
  articles.ensureCategories(['Cronaca']);
  const kept = await articles.create(articleFields('Resta'));
  const deleted = await articles.create(articleFields('Se ne va'));
  await articles.update(kept.id, { title: 'Resta, cambiato' });
  await articles.remove(deleted.id);
  await newsletter.saveSubscribers([subscriberRecord('s1', 'uno@example.org'), subscriberRecord('s2', 'due@example.org')]);
  await newsletter.updateSubscriber('s1', { categories: ['cronaca'] });
  await newsletter.removeSubscribers(['s2']);
  await newsletter.addRun(runRecord('r1'), [[deliveryRecord('d1', 'r1', 's1')]]);
  const [delivery] = await newsletter.claimDeliveries('r1', 1, new Date(), new Date(Date.now() + 60_000));
  await newsletter.updateDelivery(delivery!, { state: 'sending' });
  await newsletter.updateDelivery(delivery!, { state: 'sent' }, { watermark: '2026-11-28T00:00:00.000Z', retryAfter: undefined });
  return deleted;
}

describe('store: journal and snapshots', () => {
  const dirs: string[] = [];
  const dataDir = async () => {
    const dir = await makeDataDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('a restart replaying the journal finds exactly the acknowledged state, for every kind of change', async () => {
    const dir = await dataDir();
    const store = await openStore(dir);
    const deleted = await changeEverything(store);
    const before = await stateOf(store);
    await store.close();
    assert.equal(JSON.parse(await readFile(path.join(dir, CONTENT_FILE), 'utf8')).articles.length, 0, 'nothing compacted yet: all of it is in the journal');

    const reopened = await openStore(dir);
    try {
      assert.deepEqual(await stateOf(reopened), before);
      assert.equal(reopened.articles.isRetired(deleted.slug), true);
      assert.equal(reopened.newsletter.subscriberById('s1')!.watermark, '2026-11-28T00:00:00.000Z');
      assert.equal((await reopened.newsletter.deliveries('r1'))[0]!.state, 'sent');
    } finally {
      await reopened.close();
    }
  });

  it('after a compaction the snapshots hold the same state, parse as JSON, and the journal files they cover are gone', async () => {
    const dir = await dataDir();
    const store = await openStore(dir);
    await changeEverything(store);
    const before = await stateOf(store);
    await store.compact();
    assert.deepEqual(await journalFiles(dir), [], 'no journal file left: the next write starts a new one');
    const content = JSON.parse(await readFile(path.join(dir, CONTENT_FILE), 'utf8'));
    assert.deepEqual(content.articles.map((article: ArticleRecord) => article.title), ['Resta, cambiato']);
    assert.equal(JSON.parse(await readFile(path.join(dir, NEWSLETTER_FILE), 'utf8')).subscribers.length, 1);
    await store.close();
    const reopened = await openStore(dir);
    try {
      assert.deepEqual(await stateOf(reopened), before);
    } finally {
      await reopened.close();
    }
  });

  it('a write after a compaction and a restart survives the next restart (sequence numbers go on from the snapshots)', async () => {
    const dir = await dataDir();
    const store = await openStore(dir);
    for (let n = 0; n < 3; n += 1) await store.articles.create(articleFields(`Prima ${n}`));
    await store.compact();
    await store.close();
    const second = await openStore(dir);
    const later = await second.articles.create(articleFields('Dopo la compattazione'));
    await second.close();
    const third = await openStore(dir);
    try {
      assert.ok(third.articles.byId(later.id));
    } finally {
      await third.close();
    }
  });

  it('a torn last line is ignored, and the store takes the next write', async () => {
    const dir = await dataDir();
    const store = await openStore(dir);
    const kept = await store.articles.create(articleFields('Intero'));
    await store.close();
    const [last] = (await journalFiles(dir)).slice(-1);
    await appendFile(path.join(dir, last!), '{"seq":2,"changes":[{"collection":"articles","id":"torn","rec');

    const reopened = await openStore(dir);
    const next = await reopened.articles.create(articleFields('Dopo il crash'));
    await reopened.close();
    const third = await openStore(dir);
    try {
      assert.ok(third.articles.byId(kept.id));
      assert.ok(third.articles.byId(next.id));
      assert.equal(third.articles.byId('torn'), undefined);
    } finally {
      await third.close();
    }
  });

  it('compactions run while writes go on, and lose none of them', async () => {
    const dir = await dataDir();
    const store = await openStore(dir, { compactAfterBytes: 4096 });
    const writes = Array.from({ length: 120 }, (_, n) =>
      n % 2 ? store.articles.create(articleFields(`Articolo ${n}`)).then((article) => article.id) : store.newsletter.saveSubscribers([subscriberRecord(`sub-${n}`, `s${n}@example.org`)]).then(() => `sub-${n}`),
    );
    const ids = await Promise.all(writes);
    await store.compact();
    await store.close();
    const reopened = await openStore(dir);
    try {
      for (const [n, id] of ids.entries()) assert.ok(n % 2 ? reopened.articles.byId(id) : reopened.newsletter.subscriberById(id), `write ${n} survived`);
      assert.equal(JSON.parse(await readFile(path.join(dir, CONTENT_FILE), 'utf8')).articles.length, 60);
    } finally {
      await reopened.close();
    }
  });

  it('a compaction waits for changes of a quarter of the snapshots’ size: what it rewrites per change does not grow with the store', async () => {
    const dir = await dataDir();
    const store = await openStore(dir, { compactAfterBytes: 4096 });
    const bytesOf = async (names: string[]) => (await Promise.all(names.map((name) => stat(path.join(dir, name))))).reduce((sum, file) => sum + file.size, 0);
    const journalBytes = async () => bytesOf(await journalFiles(dir));
    let closed = false;
    try {
      await store.newsletter.saveSubscribers(Array.from({ length: 400 }, (_, n) => subscriberRecord(`sub-${n}`, `s${n}@example.org`)));
      await store.compact();
      const snapshots = (await readdir(dir)).filter((name) => name.endsWith('.json'));
      const quarter = (await bytesOf(snapshots)) / 4;
      const subscribersFile = await readFile(path.join(dir, NEWSLETTER_FILE), 'utf8');

      let n = 0;
      const rename = () => store.newsletter.updateSubscriber(`sub-${n}`, { name: `Nome ${n++}` });
      // Each change is under 400 bytes: stop one short of the quarter.
      while ((await journalBytes()) + 400 < quarter) await rename();
      assert.ok((await journalBytes()) > 2 * 4096, 'past compactAfterBytes, where a fixed threshold compacts');
      assert.equal(await readFile(path.join(dir, NEWSLETTER_FILE), 'utf8'), subscribersFile, 'no compaction yet');
      const segments = await journalFiles(dir);
      assert.equal(segments.length, 1);

      while ((await journalBytes()) < quarter) await rename();
      await store.close();
      closed = true;
      const compacted = JSON.parse(await readFile(path.join(dir, NEWSLETTER_FILE), 'utf8')) as { subscribers: SubscriberRecord[] };
      assert.equal(compacted.subscribers.find((subscriber) => subscriber.id === `sub-${n - 1}`)?.name, `Nome ${n - 1}`);
      assert.ok(!(await journalFiles(dir)).includes(segments[0]!), 'the journal it covers is gone');
    } finally {
      if (!closed) await store.close();
    }
  });

  it('a compaction that reads the records while they change ends, at the next start, in exactly the acknowledged state', async function () {
    this.timeout(60_000);
    const dir = await dataDir();
    const store = await openStore(dir);
    // Enough subscribers that writing them takes several turns of the event loop.
    const many = Array.from({ length: 20_000 }, (_, n) => subscriberRecord(`sub-${String(n).padStart(5, '0')}`, `s${n}@example.org`));
    await store.newsletter.saveSubscribers(many);
    const kept = await store.articles.create(articleFields('Cambia'));
    const compaction = store.compact();
    // Asked for after the compaction named its journal entry: each lands while the files are written.
    await Promise.all([
      store.newsletter.updateSubscriber('sub-19999', { status: 'unsubscribed', unsubscribedAt: NOW }),
      store.newsletter.updateSubscriber('sub-00000', { name: 'Prima' }),
      store.newsletter.removeSubscribers(['sub-10000', 'sub-10001']),
      store.newsletter.saveSubscribers([subscriberRecord('sub-99999', 'new@example.org')]),
      store.articles.update(kept.id, { title: 'Cambiato' }),
    ]);
    await store.newsletter.saveSubscribers([subscriberRecord('sub-10000', 'again@example.org')]);
    await compaction;
    const expected = await stateOf(store);
    await store.close();
    JSON.parse(await readFile(path.join(dir, NEWSLETTER_FILE), 'utf8'));
    const reopened = await openStore(dir);
    try {
      assert.deepEqual(await stateOf(reopened), expected);
      assert.equal(reopened.newsletter.subscriberById('sub-10000')!.email, 'again@example.org');
      assert.equal(reopened.newsletter.subscriberById('sub-10001'), undefined);
    } finally {
      await reopened.close();
    }
  });

  it('compactions asked for while one runs share the next one', async () => {
    const dir = await dataDir();
    const store = await openStore(dir);
    try {
      await store.newsletter.saveSubscribers([subscriberRecord('sub-1', 'one@example.org'), subscriberRecord('sub-2', 'two@example.org')]);
      await Promise.all([store.newsletter.updateSubscriber('sub-1', { email: '', status: 'erased' }), store.newsletter.updateSubscriber('sub-2', { email: '', status: 'erased' })]);
      // A compaction under way, then two erasures asking for one each.
      const running = store.compact();
      const [first, second] = [store.compact(), store.compact()];
      assert.equal(second, first, 'one compaction for both');
      assert.notEqual(first, running);
      await second;
      const text = await readFile(path.join(dir, NEWSLETTER_FILE), 'utf8');
      assert.ok(!text.includes('one@example.org') && !text.includes('two@example.org'), 'both erasures are in the file');
    } finally {
      await store.close();
    }
  });

  it('two creations at once never take the same slug or the same address', async () => {
    const dir = await dataDir();
    const store = await openStore(dir);
    try {
      const [a, b] = await Promise.all([store.articles.create(articleFields('Gemelli')), store.articles.create(articleFields('Gemelli'))]);
      assert.notEqual(a.slug, b.slug);
      const results = await Promise.allSettled([store.newsletter.saveSubscribers([subscriberRecord('x1', 'same@example.org')]), store.newsletter.saveSubscribers([subscriberRecord('x2', 'same@example.org')])]);
      assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
    } finally {
      await store.close();
    }
  });

  it('migrates the previous version: content schema 2 and newsletter schema 1 with its delivery journal', async () => {
    const dir = await dataDir();
    const article = { id: 'a1', ...articleFields('Dal vecchio archivio'), slug: 'dal-vecchio-archivio' };
    await writeFile(path.join(dir, CONTENT_FILE), JSON.stringify({ schemaVersion: 2, articles: [article], categories: [{ slug: 'cronaca', name: 'Cronaca' }], retiredSlugs: ['un-vecchio-slug'] }));
    const subscriber = { ...subscriberRecord('s1', 'a@example.org'), failures: 2, retryAfter: '2026-11-02T00:00:00.000Z' };
    const newsletter = { schemaVersion: 1, journalSeq: 1, subscribers: [subscriber], runs: [runRecord('r1')], deliveries: [deliveryRecord('d1', 'r1', 's1', 'sent'), deliveryRecord('d2', 'r1', 's1')] };
    await writeFile(path.join(dir, NEWSLETTER_FILE), JSON.stringify(newsletter));
    const lines = [
      // Already in the file (seq 1): must not undo d1's "sent".
      { seq: 1, delivery: 'd1', changes: { state: 'sending' } },
      { seq: 2, delivery: 'd2', changes: { state: 'sending' } },
      { seq: 3, delivery: 'd2', changes: { state: 'sent' }, subscriberChanges: { watermark: '2026-11-28T00:00:00.000Z', failures: 0, retryAfter: null } },
    ].map((entry) => JSON.stringify(entry));
    await writeFile(path.join(dir, LEGACY_JOURNAL), `${lines.join('\n')}\n{"seq":4,"delivery":"d2","chan`);

    const store = await openStore(dir, { now: () => new Date(NOW) });
    try {
      assert.equal(store.articles.bySlug('dal-vecchio-archivio')?.id, 'a1');
      assert.equal(store.articles.isRetired('un-vecchio-slug'), true);
      assert.deepEqual((await store.newsletter.deliveries('r1')).map((delivery) => delivery.state), ['sent', 'sent']);
      const after = store.newsletter.subscriberById('s1')!;
      assert.equal(after.watermark, '2026-11-28T00:00:00.000Z');
      assert.equal(after.failures, 0);
      assert.equal(after.retryAfter, undefined, 'null in the journal unsets the field');
      assert.equal(JSON.parse(await readFile(path.join(dir, CONTENT_FILE), 'utf8')).schemaVersion, 3);
      const migrated = JSON.parse(await readFile(path.join(dir, NEWSLETTER_FILE), 'utf8'));
      assert.equal(migrated.schemaVersion, 3, 'through version 2 (ledgers) to 3 (rhythms)');
      assert.equal(migrated.deliveries, undefined, 'deliveries live in the run ledger now');
      assert.deepEqual(await readdir(path.join(dir, 'runs')), ['r1.jsonl']);
      assert.ok(!(await readdir(dir)).includes(LEGACY_JOURNAL), 'the old journal is gone once the new files hold it');
    } finally {
      await store.close();
    }
  });
});
