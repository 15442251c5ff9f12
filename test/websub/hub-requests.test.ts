// Hub requests that must be refused before anything is stored or sent, callbacks on private
// networks, the per-address budget, and the publish ping to hubs named in WEBSUB_HUBS.
import assert from 'node:assert/strict';
import { create } from '../feeds/feed-helpers.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { hubRequest, startSubscriber, type TestSubscriber } from '../helpers/websub-subscriber.js';
import { HUB_LIMIT } from '../../src/http/rate-limit.js';

describe('WebSub hub requests', () => {
  let subscriber: TestSubscriber;
  const services: TestService[] = [];
  const start = async (env: Record<string, string>) => {
    const service = await startTestService(env);
    services.push(service);
    await create(service, { title: 'Primo', categories: ['Cultura'] });
    return service;
  };

  beforeEach(async () => (subscriber = await startSubscriber()));
  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop({ removeData: true });
    await subscriber.close();
  });

  it('malformed hub requests get a 400 with a plain reason, and nothing is stored or called', async () => {
    const service = await start({ ALLOW_PRIVATE_NETWORKS: 'true' });
    const good = { 'hub.mode': 'subscribe', 'hub.topic': `${service.url}/rss.xml`, 'hub.callback': subscriber.url() };
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...good, 'hub.mode': '' }, /hub\.mode/],
      [{ ...good, 'hub.mode': 'publish' }, /hub\.mode/],
      [{ ...good, 'hub.topic': 'https://elsewhere.example/rss.xml' }, /hub\.topic/],
      [{ ...good, 'hub.topic': `${service.url}/categories/nessuna/rss.xml` }, /hub\.topic/],
      [{ ...good, 'hub.topic': `${service.url}/articles/primo` }, /hub\.topic/],
      [{ ...good, 'hub.callback': '/relative' }, /hub\.callback/],
      [{ ...good, 'hub.callback': 'not a url' }, /hub\.callback/],
      [{ ...good, 'hub.lease_seconds': 'forever' }, /hub\.lease_seconds/],
      [{ ...good, 'hub.secret': 'x'.repeat(200) }, /hub\.secret/],
    ];
    for (const [fields, reason] of cases) {
      const res = await hubRequest(service, fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(res.headers.get('content-type')!, /^text\/plain/);
      assert.match(await res.text(), reason);
    }
    const json = await service.request('/websub', { method: 'POST', json: good });
    assert.equal(json.status, 400, 'only form-encoded requests are read');
    const twice = await service.request('/websub', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${new URLSearchParams(good)}&hub.mode=unsubscribe` });
    assert.equal(twice.status, 400);
    await service.ctx.websub.idle();
    assert.equal(subscriber.verifications.length, 0);
    assert.deepEqual(service.ctx.store.websub.subscriptions(), []);
  });

  it('refuses callbacks that are not http(s), or on loopback while ALLOW_PRIVATE_NETWORKS is unset', async () => {
    const service = await start({});
    const topic = `${service.url}/rss.xml`;
    const port = new URL(subscriber.url()).port;
    for (const callback of ['ftp://example.org/cb', 'javascript:alert(1)', 'file:///etc/passwd', subscriber.url(), `http://[::1]:${port}/cb`, `http://[::ffff:127.0.0.1]:${port}/cb`, `http://10.0.0.8/cb`, `http://169.254.169.254/latest`, `http://100.64.1.1/cb`]) {
      const res = await hubRequest(service, { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback });
      assert.equal(res.status, 400, callback);
      assert.match(await res.text(), /hub\.callback/);
    }
    // A name is judged by the address it resolves to, where the connection is made.
    const named = await hubRequest(service, { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': `http://localhost:${port}/cb` });
    assert.equal(named.status, 202);
    await service.ctx.websub.idle();
    assert.equal(subscriber.verifications.length, 0, 'loopback was never called');
    assert.deepEqual(service.ctx.store.websub.subscriptions(), []);
  });

  it(`hub requests are limited to ${HUB_LIMIT} per address`, async () => {
    const service = await start({});
    const fields = { 'hub.mode': 'subscribe', 'hub.topic': 'https://elsewhere.example/rss.xml', 'hub.callback': 'https://example.org/cb' };
    for (let n = 0; n < HUB_LIMIT; n += 1) assert.equal((await hubRequest(service, fields)).status, 400);
    assert.equal((await hubRequest(service, fields)).status, 429);
  });

  it('tells each hub of WEBSUB_HUBS of every feed that changed, with hub.mode=publish', async () => {
    const hub = await startSubscriber();
    try {
      const service = await start({ ALLOW_PRIVATE_NETWORKS: 'true', WEBSUB_HUBS: hub.url('/hub') });
      await service.ctx.websub.idle();
      const before = hub.pushes.length;
      await create(service, { title: 'Secondo', categories: ['Sport'] });
      await service.ctx.websub.idle();
      const pings = hub.pushes.slice(before);
      assert.ok(pings.every((ping) => ping.path === '/hub' && ping.headers['content-type'] === 'application/x-www-form-urlencoded'));
      const forms = pings.map((ping) => new URLSearchParams(ping.body.toString()));
      assert.ok(forms.every((form) => form.get('hub.mode') === 'publish'));
      const expected = ['', '/categories/sport'].flatMap((prefix) => ['rss.xml', 'atom.xml', 'feed.json'].map((file) => `${service.url}${prefix}/${file}`));
      assert.deepEqual(forms.map((form) => form.get('hub.url')).sort(), expected.sort());

      // A scheduled article changes its feeds when it becomes due, without a write.
      const publishedAt = new Date(service.clock().getTime() + 3600_000).toISOString();
      await create(service, { title: 'Più tardi', categories: ['Sport'], publishedAt });
      await service.ctx.websub.idle();
      const beforeDue = hub.pushes.length;
      service.clock.set(publishedAt);
      await service.ctx.websub.runDueWork();
      await service.ctx.websub.idle();
      const due = hub.pushes.slice(beforeDue).map((ping) => new URLSearchParams(ping.body.toString()).get('hub.url'));
      assert.deepEqual(due.sort(), expected.sort());
    } finally {
      await hub.close();
    }
  });
});
