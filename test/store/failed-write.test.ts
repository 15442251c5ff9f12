// A write the disk refuses (issue 7, item 5): answered 500, and nothing changes that anyone can
// see; /healthz says 503 meanwhile; once the disk works again, the retry is taken. The disk is
// made to fail for real: the journal file the store appends to is replaced by a folder.
import assert from 'node:assert/strict';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { startTestService, type TestService } from '../helpers/service.js';
import { importSubscribers, mailsTo, publish, runNewsletter, startMailedService } from '../newsletter/fixtures.js';

const article = (title: string) => ({ title, contentHtml: `<p>${title}</p>`, categories: ['Cronaca'] });

/** Makes appends to the current journal file fail; returns how to make them work again. */
async function breakTheJournal(dataDir: string): Promise<() => Promise<void>> {
  const [current] = (await readdir(dataDir)).filter((name) => name.startsWith('store.journal.')).sort().slice(-1);
  const file = path.join(dataDir, current!);
  await rename(file, `${file}.aside`);
  await mkdir(file);
  return async () => {
    await rmdir(file);
    await rename(`${file}.aside`, file);
  };
}

describe('store: a write that fails on disk', () => {
  let service: TestService;

  beforeEach(async () => {
    service = await startTestService();
    // A first write, so that the journal file exists.
    assert.equal((await service.request('/api/articles', { method: 'POST', admin: true, json: article('Prima') })).status, 201);
  });
  afterEach(async () => {
    await service.stop();
    await rm(service.dataDir, { recursive: true, force: true });
  });

  it('an article: 500, not in /rss.xml nor the API, /healthz 503; the retry works once the disk does', async () => {
    const repair = await breakTheJournal(service.dataDir);
    const refused = await service.request('/api/articles', { method: 'POST', admin: true, json: article('Mai pubblicato') });
    assert.equal(refused.status, 500);
    assert.equal((await service.request('/healthz')).status, 503);
    assert.ok(!(await (await service.request('/rss.xml')).text()).includes('Mai pubblicato'));
    assert.ok(!(await (await service.request('/categories/cronaca/feed.json')).text()).includes('Mai pubblicato'));
    const listed = (await (await service.request('/api/articles')).json()) as { items: { title: string }[] };
    assert.deepEqual(listed.items.map((item) => item.title), ['Prima']);

    await repair();
    assert.equal((await service.request('/healthz')).status, 200);
    const retried = await service.request('/api/articles', { method: 'POST', admin: true, json: article('Mai pubblicato') });
    assert.equal(retried.status, 201);
    assert.equal(((await retried.json()) as { slug: string }).slug, 'mai-pubblicato', 'the refused write did not keep its slug');
    assert.ok((await (await service.request('/rss.xml')).text()).includes('Mai pubblicato'));
  });

  it('an update and a deletion: 500 and the article stays as it was', async () => {
    const { id } = (await (await service.request('/api/articles/prima')).json()) as { id: string };
    const repair = await breakTheJournal(service.dataDir);
    assert.equal((await service.request(`/api/articles/${id}`, { method: 'PATCH', admin: true, json: { title: 'Cambiato' } })).status, 500);
    assert.equal((await service.request(`/api/articles/${id}`, { method: 'DELETE', admin: true })).status, 500);
    assert.equal(((await (await service.request(`/api/articles/${id}`)).json()) as { title: string }).title, 'Prima');
    await repair();
    assert.equal((await service.request(`/api/articles/${id}`, { method: 'DELETE', admin: true })).status, 204);
  });

  it('subscribers: an import is answered 500 and nobody is on the list; the retry imports them', async () => {
    const repair = await breakTheJournal(service.dataDir);
    const list = [{ email: 'uno@example.org' }, { email: 'due@example.org' }];
    assert.equal((await service.request('/api/subscribers', { method: 'POST', admin: true, json: list })).status, 500);
    assert.deepEqual(((await (await service.request('/api/subscribers', { admin: true })).json()) as { items: unknown[] }).items, []);
    await repair();
    const retried = (await (await service.request('/api/subscribers', { method: 'POST', admin: true, json: list })).json()) as { imported: number };
    assert.equal(retried.imported, 2);
  });
});

describe('store: a newsletter run that cannot be recorded', () => {
  it('sends nothing, and the next run, once the disk works, sends each digest once', async () => {
    const mailed = await startMailedService();
    const { service, sink } = mailed;
    try {
      await importSubscribers(service, [{ email: 'lettore@example.org' }]);
      await publish(service, 'Notizia del giorno', ['Cronaca']);
      const repair = await breakTheJournal(service.dataDir);
      const refused = await service.request('/api/newsletter/runs', { method: 'POST', admin: true });
      assert.equal(refused.status, 500);
      assert.equal(sink.messages.length, 0, 'nothing was sent');
      await repair();
      assert.equal(await service.ctx.newsletter.retryDeferred(), undefined, 'the retry tick finds no run to finish');
      assert.equal(sink.messages.length, 0);
      const run = await runNewsletter(service);
      assert.equal(run.counts.sent, 1);
      assert.equal(mailsTo(sink, 'lettore@example.org').length, 1);
      assert.deepEqual((await readdir(path.join(service.dataDir, 'runs'))).sort(), [`${run.id}.jsonl`], "the unrecorded run's file is gone");
    } finally {
      await mailed.stop();
    }
  });
});

describe('store: a snapshot that cannot be written', () => {
  it('keeps every change in the journal and answers /healthz 503 until it can', async () => {
    const service = await startTestService();
    try {
      const temp = path.join(service.dataDir, '.notiziario.json.tmp');
      await mkdir(temp);
      assert.equal((await service.request('/api/articles', { method: 'POST', admin: true, json: article('Scritto nel journal') })).status, 201);
      await assert.rejects(service.ctx.store.compact());
      assert.equal((await service.request('/healthz')).status, 503);
      assert.ok((await (await service.request('/rss.xml')).text()).includes('Scritto nel journal'), 'the acknowledged article is published');
      await rmdir(temp);
      await service.ctx.store.compact();
      assert.equal((await service.request('/healthz')).status, 200);
    } finally {
      await service.stop();
      await rm(service.dataDir, { recursive: true, force: true });
    }
  });
});
