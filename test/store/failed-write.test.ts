// A write the disk refuses (issue 7, item 5): answered 500, and nothing changes that anyone can
// see; /healthz says 503 meanwhile; once the disk works again, the retry is taken. The disk is
// made to fail for real: the journal file the store appends to is replaced by a folder.
import assert from 'node:assert/strict';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { startTestService, type TestService } from '../helpers/service.js';

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
