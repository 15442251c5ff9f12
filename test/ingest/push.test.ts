// Push from an upstream that offers it: a second Notiziario on loopback is the publisher, and its
// own WebSub hub pushes to us. Signed pushes are imported at once; badly signed ones are ignored.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'mocha';
import { startTestService, type TestService } from '../helpers/service.js';

describe('ingest: WebSub push from the upstream hub', () => {
  let upstream: TestService;
  let service: TestService;
  let sourceId: string;

  const publishUpstream = async (title: string) => {
    upstream.clock.advance(60_000);
    const response = await upstream.request('/api/articles', { method: 'POST', admin: true, json: { title, categories: ['Montagna'], contentHtml: `<p>${title}: the text.</p>` } });
    assert.equal(response.status, 201);
  };
  const titles = () => service.ctx.store.articles.ofSource(sourceId).map((article) => article.title).sort();

  before(async () => {
    upstream = await startTestService({ ALLOW_PRIVATE_NETWORKS: 'true' });
    service = await startTestService({ ALLOW_PRIVATE_NETWORKS: 'true' });
    await publishUpstream('Snow at the pass');
  });
  after(async () => {
    await service.stop({ removeData: true });
    await upstream.stop({ removeData: true });
  });

  it('adding a feed that names a hub subscribes to it; the hub verifies the callback', async () => {
    const response = await service.request('/api/sources', { method: 'POST', admin: true, json: { url: `${upstream.url}/categories/montagna/rss.xml` } });
    const source = await response.json();
    sourceId = source.id;
    assert.equal(source.push.hub, `${upstream.ctx.config.baseUrl}/websub`);
    assert.equal(source.push.secret, undefined, 'the secret is never shown');
    await upstream.ctx.websub.idle();
    const after = service.ctx.store.sources.byId(sourceId)!;
    assert.equal(after.push?.state, 'active');
    assert.equal(upstream.ctx.store.websub.subscriptionsOf(`${upstream.ctx.config.baseUrl}/categories/montagna/rss.xml`).length, 1);
    assert.deepEqual(titles(), ['Snow at the pass']);
  });

  it('a new upstream article is pushed, signed, and imported without a fetch; polling becomes a daily safety net', async () => {
    await publishUpstream('Avalanche warning lifted');
    await upstream.ctx.websub.idle();
    // The push is answered before it is imported: wait for the import, not for time.
    for (let tries = 0; tries < 100 && titles().length < 2; tries += 1) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(titles(), ['Avalanche warning lifted', 'Snow at the pass']);
    await service.ctx.ingest.fetchNow(sourceId);
    const source = service.ctx.store.sources.byId(sourceId)!;
    assert.equal(Date.parse(source.nextFetchAt) - service.clock().getTime(), 24 * 60 * 60_000);
  });

  it('a push with a wrong signature, or none, is ignored', async () => {
    const forged = (await (await upstream.request('/categories/montagna/rss.xml')).text()).replace('Avalanche warning lifted', 'Forged story');
    const callback = `${service.url}/websub/callback/${sourceId}`;
    for (const signature of [`sha256=${createHmac('sha256', 'not-the-secret').update(forged).digest('hex')}`, undefined, 'md5=abcd']) {
      const response = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/rss+xml', ...(signature ? { 'x-hub-signature': signature } : {}) }, body: forged });
      assert.equal(response.status, 202);
    }
    assert.ok(!titles().includes('Forged story'));
    const secret = service.ctx.store.sources.byId(sourceId)!.push!.secret;
    for (const algorithm of ['sha1', 'sha512']) {
      const body = forged.replace('Forged story', `Signed with ${algorithm}`);
      await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/rss+xml', 'x-hub-signature': `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}` }, body });
      // The same item as before, retitled: its article is updated.
      assert.deepEqual(titles(), [`Signed with ${algorithm}`, 'Snow at the pass']);
    }
  });

  it('the lease is renewed a day before it ends', async () => {
    const lease = service.ctx.store.sources.byId(sourceId)!.push!.leaseEndsAt!;
    service.clock.set(new Date(Date.parse(lease) - 12 * 60 * 60_000));
    upstream.clock.set(service.clock());
    await service.ctx.ingest.runDueWork();
    await upstream.ctx.websub.idle();
    const renewed = service.ctx.store.sources.byId(sourceId)!.push!.leaseEndsAt!;
    assert.ok(Date.parse(renewed) > Date.parse(lease) + 5 * 24 * 60 * 60_000, `${renewed} is well after ${lease}`);
  });

  it('deleting the source unsubscribes from the hub', async () => {
    assert.equal((await service.request(`/api/sources/${sourceId}`, { method: 'DELETE', admin: true })).status, 204);
    await upstream.ctx.websub.idle();
    assert.equal(upstream.ctx.store.websub.subscriptionsOf(`${upstream.ctx.config.baseUrl}/categories/montagna/rss.xml`).length, 0);
  });
});
