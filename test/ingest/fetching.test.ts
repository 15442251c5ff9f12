// How sources are fetched: conditional GETs, compression, what the upstream asks for the next
// fetch (Retry-After, ttl), backoff after errors, redirects, caps on size and time, refused addresses.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, afterEach, before, describe, it } from 'mocha';
import { startTestService, type TestService } from '../helpers/service.js';
import { feedWithEtag, fixture, startUpstream, type Upstream } from '../helpers/upstream.js';

const MINUTE = 60_000;

describe('ingest: fetching', () => {
  let service: TestService;
  let upstream: Upstream;

  before(async () => {
    upstream = await startUpstream();
    service = await startTestService({ ALLOW_PRIVATE_NETWORKS: 'true' }, { ingestLimits: { timeoutMs: 300, maxBytes: 64 * 1024 } });
  });
  after(async () => {
    await service.stop({ removeData: true });
    await upstream.close();
  });
  afterEach(() => service.clock.set('2026-11-27T09:00:00Z'));

  const add = (route: string, body: Record<string, unknown> = {}) => service.request('/api/sources', { method: 'POST', admin: true, json: { url: upstream.url + route, ...body } });
  const source = (id: string) => service.ctx.store.sources.byId(id)!;

  it('a second fetch sends the validators, gets 304 and imports nothing; gzip is accepted and a User-Agent names us', async () => {
    upstream.set('/etag.xml', feedWithEtag(gzipSync(fixture('wordpress.xml')), 'application/rss+xml', '"w1"', { 'content-encoding': 'gzip' }));
    const created = await (await add('/etag.xml')).json();
    assert.equal(created.counts.imported, 2);
    service.clock.advance(30 * MINUTE);
    await service.ctx.ingest.runDueWork();
    assert.equal(upstream.hits('/etag.xml'), 2);
    const second = upstream.requests.at(-1)!;
    assert.equal(second.headers['if-none-match'], '"w1"');
    assert.match(second.headers['accept-encoding'] ?? '', /gzip.*deflate.*br/);
    assert.match(second.headers['user-agent'] ?? '', new RegExp(`Notiziario.*${service.ctx.config.baseUrl.replace(/[.]/g, '\\.')}`));
    assert.equal(service.ctx.store.articles.ofSource(created.id).length, 2);
    assert.equal(source(created.id).lastError, null);
    assert.equal(source(created.id).nextFetchAt, new Date(service.clock().getTime() + 30 * MINUTE).toISOString());
  });

  it('429 with Retry-After: the next fetch waits that long, not the interval', async () => {
    let limited = false;
    upstream.set('/limited.xml', (_req, res) => {
      if (limited) return void res.writeHead(429, { 'retry-after': '7200' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rdf.xml'));
    });
    const created = await (await add('/limited.xml')).json();
    limited = true;
    service.clock.advance(30 * MINUTE);
    await service.ctx.ingest.runDueWork();
    const after = source(created.id);
    assert.equal(after.nextFetchAt, new Date(service.clock().getTime() + 2 * 60 * MINUTE).toISOString());
    assert.match(after.lastError!, /429/);
    service.clock.advance(60 * MINUTE);
    await service.ctx.ingest.runDueWork();
    assert.equal(upstream.hits('/limited.xml'), 2, 'not fetched again before Retry-After');
  });

  it('500s back off, doubling from the interval; ten in a row make the source failing, tried daily', async () => {
    let broken = false;
    upstream.set('/flaky.xml', (_req, res) => (broken ? void res.writeHead(500).end('oops') : void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rdf.xml'))));
    const created = await (await add('/flaky.xml', { intervalMinutes: 10 })).json();
    broken = true;
    const delays: number[] = [];
    for (let failure = 1; failure <= 10; failure += 1) {
      service.clock.set(source(created.id).nextFetchAt);
      await service.ctx.ingest.runDueWork();
      delays.push((Date.parse(source(created.id).nextFetchAt) - service.clock().getTime()) / MINUTE);
    }
    assert.deepEqual(delays, [20, 40, 80, 160, 320, 640, 1280, 1440, 1440, 1440]);
    const failing = await (await service.request(`/api/sources/${created.id}`, { admin: true })).json();
    assert.equal(failing.state, 'failing');
    assert.equal(failing.failures, 10);
    assert.match(failing.lastError, /500/);
    broken = false;
    service.clock.set(failing.nextFetchAt);
    await service.ctx.ingest.runDueWork();
    assert.equal(source(created.id).state, 'active', 'a success ends the failing state');
  });

  it('a redirect loop is an error; a 301 moves the stored URL; 410 makes the source gone, never fetched again', async () => {
    upstream.set('/moving.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rdf.xml')));
    const created = await (await add('/moving.xml')).json();
    upstream.set('/moving.xml', (_req, res) => void res.writeHead(301, { location: '/moved.xml' }).end());
    upstream.set('/moved.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rdf.xml')));
    await service.ctx.ingest.fetchNow(created.id);
    assert.equal(source(created.id).url, `${upstream.url}/moved.xml`);

    upstream.set('/moved.xml', (_req, res) => void res.writeHead(302, { location: '/loop-b.xml' }).end());
    upstream.set('/loop-b.xml', (_req, res) => void res.writeHead(302, { location: '/moved.xml' }).end());
    await service.ctx.ingest.fetchNow(created.id);
    assert.match(source(created.id).lastError!, /redirect loop/);

    upstream.set('/moved.xml', (_req, res) => void res.writeHead(410).end());
    await service.ctx.ingest.fetchNow(created.id);
    assert.equal(source(created.id).state, 'gone');
    const hits = upstream.hits('/moved.xml');
    service.clock.advance(48 * 60 * MINUTE);
    await service.ctx.ingest.runDueWork();
    assert.equal(upstream.hits('/moved.xml'), hits);
  });

  it('an oversized body and a body too slow to arrive are errors, and nothing of them is imported', async () => {
    const big = fixture('wordpress.xml').toString().replace('</channel>', `<item><title>padding</title><description>${'x'.repeat(70 * 1024)}</description></item></channel>`);
    upstream.set('/big.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(big));
    const oversized = await add('/big.xml');
    assert.equal(oversized.status, 422);
    assert.match((await oversized.json()).detail, /more than 65536 bytes/);

    upstream.set('/slow.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write(fixture('wordpress.xml').subarray(0, 200));
      // The rest never comes (the test's limit is 300 ms).
    });
    const slow = await add('/slow.xml');
    assert.equal(slow.status, 422);
    assert.match((await slow.json()).detail, /within 0.3 s/);
  });

  it('without ALLOW_PRIVATE_NETWORKS, a source on 127.0.0.1 (or a name resolving there) is refused', async () => {
    const strict = await startTestService();
    try {
      upstream.set('/private.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixture('rdf.xml')));
      for (const url of [`${upstream.url}/private.xml`, upstream.url.replace('127.0.0.1', 'localhost') + '/private.xml']) {
        const response = await strict.request('/api/sources', { method: 'POST', admin: true, json: { url } });
        assert.equal(response.status, 422);
        assert.match((await response.json()).detail, /not a public address/);
      }
      assert.equal(upstream.hits('/private.xml'), 0);
    } finally {
      await strict.stop({ removeData: true });
    }
  });

  it('the admin lists, reads and changes sources: PATCH sets the interval and categories, state "active" tries a failing one again at once', async () => {
    upstream.set('/listed.xml', feedWithEtag(fixture('rdf.xml'), 'application/rss+xml', '"l1"'));
    const created = await (await add('/listed.xml', { intervalMinutes: 15 })).json();
    const list = await (await service.request('/api/sources', { admin: true })).json();
    const listed = list.items.find((one: { id: string }) => one.id === created.id);
    assert.deepEqual(Object.keys(listed).sort(), ['backfill', 'categories', 'counts', 'createdAt', 'failures', 'id', 'intervalMinutes', 'keepCategories', 'lastError', 'lastFetchAt', 'links', 'nextFetchAt', 'push', 'siteUrl', 'state', 'title', 'url']);
    assert.deepEqual(listed.counts, { seen: 1, imported: 1, updated: 0 });
    const changed = await service.request(`/api/sources/${created.id}`, { method: 'PATCH', admin: true, json: { intervalMinutes: 60, categories: ['Tech'] } });
    assert.equal(changed.status, 200);
    assert.deepEqual((await changed.json()).categories, ['Tech']);
    const tooOften = await service.request(`/api/sources/${created.id}`, { method: 'PATCH', admin: true, json: { intervalMinutes: 1 } });
    assert.equal(tooOften.status, 422);
    await service.ctx.store.sources.update(created.id, () => ({ state: 'failing', failures: 10, nextFetchAt: '2026-11-28T09:00:00.000Z' }));
    const revived = await (await service.request(`/api/sources/${created.id}`, { method: 'PATCH', admin: true, json: { state: 'active' } })).json();
    assert.equal(revived.state, 'active');
    assert.equal(revived.nextFetchAt, service.clock().toISOString());
    assert.equal((await service.request('/api/sources/no-such-source', { admin: true })).status, 404);
  });

  it('the sources API is for the admin only', async () => {
    assert.equal((await service.request('/api/sources')).status, 401);
    assert.equal((await service.request('/api/sources', { method: 'POST', json: { url: `${upstream.url}/x` } })).status, 401);
  });
});
