// Sources in the console: an admin adds a feed (fetched at once), sees its state and counts,
// fetches it again, filters the articles by it, and deletes it after a question; each change is
// in the audit log. Editors do not get the page.
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';
import { feedWithEtag, fixture, startUpstream, type Upstream } from '../helpers/upstream.js';
import { addAccount, signedIn } from './console-client.js';

describe('console sources', function () {
  this.timeout(30_000);
  let service: TestService;
  let upstream: Upstream;

  beforeEach(async () => {
    upstream = await startUpstream();
    service = await startTestService({ ALLOW_PRIVATE_NETWORKS: 'true' });
    await addAccount(service, 'ada@example.org', 'admin');
    await addAccount(service, 'anna@example.org', 'editor');
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
    await upstream.close();
  });

  it('adds a source, shows its state, fetches and counts, fetches it now, filters articles by it, and deletes it with its articles after a question', async () => {
    upstream.set('/feed.xml', feedWithEtag(fixture('wordpress.xml')));
    const admin = await signedIn(service, 'ada@example.org');
    await admin.get('/admin/sources');
    const added = await admin.post('/admin/sources', { url: `${upstream.url}/feed.xml`, categories: 'Dal web', intervalMinutes: '60' });
    assert.equal(added.status, 303);
    const source = service.ctx.store.sources.all()[0]!;
    assert.equal(source.intervalMinutes, 60);
    const imported = service.ctx.store.articles.ofSource(source.id);
    assert.ok(imported.length > 0, 'the first fetch ran');

    const page = await (await admin.get('/admin/sources?done=added')).text();
    assert.match(page, /Source added and fetched\.|Fonte aggiunta e letta\./);
    assert.ok(page.includes(`${upstream.url}/feed.xml`));
    assert.ok(page.includes(`${source.counts.seen} / ${source.counts.imported} / 0`));

    const fetched = await admin.post(`/admin/sources/${source.id}/fetch`, {});
    assert.equal(fetched.status, 303);
    assert.equal(upstream.hits('/feed.xml'), 2);

    const list = await (await admin.get(`/admin/articles?source=${source.id}`)).text();
    assert.ok(list.includes(imported[0]!.title.replace(/&/g, '&amp;')), 'the source filter lists its articles');
    await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Scritto qui', contentHtml: '<p>Testo.</p>' } });
    assert.doesNotMatch((await (await admin.get(`/admin/articles?source=${source.id}`)).text()), /Scritto qui/);

    const question = await (await admin.get(`/admin/sources/${source.id}/delete`)).text();
    assert.match(question, new RegExp(`name="articles" value="delete"`));
    assert.equal(service.ctx.store.sources.byId(source.id)?.id, source.id, 'asking deletes nothing');
    const deleted = await admin.post(`/admin/sources/${source.id}/delete`, { articles: 'delete' });
    assert.equal(deleted.status, 303);
    assert.equal(service.ctx.store.sources.byId(source.id), undefined);
    assert.equal(service.ctx.store.articles.ofSource(source.id).length, 0);

    const actions = service.ctx.store.accounts.auditEntries(0, 50).filter((entry) => entry.action.startsWith('source-'));
    assert.deepEqual(actions.map((entry) => [entry.actor, entry.action, entry.target]).sort(), [
      ['ada@example.org', 'source-added', `${upstream.url}/feed.xml`],
      ['ada@example.org', 'source-deleted', `${upstream.url}/feed.xml`],
      ['ada@example.org', 'source-fetched', `${upstream.url}/feed.xml`],
    ]);
  });

  it('keeps the form with a clear error when the address is not a feed, and refuses editors', async () => {
    upstream.set('/page.html', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>not a feed</p>'));
    const admin = await signedIn(service, 'ada@example.org');
    await admin.get('/admin/sources');
    const refused = await admin.post('/admin/sources', { url: `${upstream.url}/page.html`, categories: '', intervalMinutes: '' });
    assert.equal(refused.status, 422);
    const page = await refused.text();
    assert.match(page, /class="error-summary"/);
    assert.ok(page.includes(`value="${upstream.url}/page.html"`), 'the address stays in the form');
    assert.equal(service.ctx.store.sources.all().length, 0);

    const editor = await signedIn(service, 'anna@example.org');
    assert.equal((await editor.get('/admin/sources')).status, 403);
    assert.doesNotMatch(await (await editor.get('/admin/articles')).text(), /name="source"/);
  });
});
