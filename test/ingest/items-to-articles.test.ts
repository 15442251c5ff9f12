// What items become: an edited item updates its article (never a second one, even when fetches
// race); the first fetch imports only `backfill` items; ingested articles reach category feeds,
// pages and the next digest, with where they came from; a deleted source keeps or drops them.
import assert from 'node:assert/strict';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { after, before, describe, it } from 'mocha';
import type { TestService } from '../helpers/service.js';
import { importSubscribers, mailsTo, MINUTE, publish, runNewsletter, startMailedService, textOf, type MailedService } from '../newsletter/fixtures.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

interface Item {
  guid: string;
  title: string;
  body: string;
  date: string;
}

/** An RSS 2.0 feed of these items, with an ETag that changes with its bytes. */
function rss(items: Item[]): { body: string; etag: string } {
  const body = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Upstream Daily</title><link>https://upstream.example/</link><description>x</description>${items
    .map((item) => `<item><title>${item.title}</title><link>https://upstream.example/${item.guid}</link><guid>${item.guid}</guid><pubDate>${new Date(item.date).toUTCString()}</pubDate><description><![CDATA[${item.body}]]></description></item>`)
    .join('')}</channel></rss>`;
  return { body, etag: `"${Buffer.from(body).length}-${items.map((item) => item.title).join('').length}"` };
}

describe('ingest: items become articles', () => {
  let mailed: MailedService;
  let service: TestService;
  let upstream: Upstream;
  let items: Item[];

  before(async () => {
    upstream = await startUpstream();
    mailed = await startMailedService({ ALLOW_PRIVATE_NETWORKS: 'true' });
    service = mailed.service;
    upstream.set('/daily.xml', (req, res) => {
      const feed = rss(items);
      if (req.headers['if-none-match'] === feed.etag) return void res.writeHead(304, { etag: feed.etag }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: feed.etag }).end(feed.body);
    });
  });
  after(async () => {
    await mailed.stop();
    await upstream.close();
  });

  const articlesOf = (sourceId: string) => service.ctx.store.articles.ofSource(sourceId);
  const addDaily = async (extra: Record<string, unknown> = {}) => {
    const response = await service.request('/api/sources', { method: 'POST', admin: true, json: { url: `${upstream.url}/daily.xml`, categories: ['Dal territorio'], ...extra } });
    assert.equal(response.status, 201, await response.clone().text());
    return response.json();
  };
  const item = (n: number, minutesAgo: number): Item => ({ guid: `item-${n}`, title: `Story ${n}`, body: `<p>Body of story ${n}</p>`, date: new Date(service.clock().getTime() - minutesAgo * MINUTE).toISOString() });

  it('the first fetch imports the `backfill` newest items; later fetches every new one, never the ones passed over', async () => {
    items = Array.from({ length: 30 }, (_, n) => item(n, 600 - n * 10));
    const source = await addDaily({ backfill: 5 });
    assert.deepEqual(articlesOf(source.id).map((article) => article.title).sort(), ['Story 25', 'Story 26', 'Story 27', 'Story 28', 'Story 29']);
    assert.equal(source.counts.seen, 30);
    assert.equal(source.counts.imported, 5);
    items = [item(30, 1), item(31, 0), ...items];
    service.clock.advance(30 * MINUTE);
    await service.ctx.ingest.runDueWork();
    assert.equal(articlesOf(source.id).length, 7);
    await service.request(`/api/sources/${source.id}?articles=delete`, { method: 'DELETE', admin: true });
    assert.equal(articlesOf(source.id).length, 0);
  });

  it('an edited item updates its article: same id and slug, new text in the API and the feeds', async () => {
    items = [item(100, 10)];
    const source = await addDaily();
    const [before] = articlesOf(source.id);
    items = [{ ...items[0]!, title: 'Story 100, corrected', body: '<p>Corrected body</p>' }];
    service.clock.advance(MINUTE);
    const fetched = await (await service.request(`/api/sources/${source.id}/fetch`, { method: 'POST', admin: true })).json();
    assert.equal(fetched.counts.updated, 1);
    const after = articlesOf(source.id);
    assert.equal(after.length, 1);
    assert.equal(after[0]!.id, before!.id);
    assert.equal(after[0]!.slug, before!.slug);
    assert.equal(after[0]!.title, 'Story 100, corrected');
    assert.equal(after[0]!.publishedAt, before!.publishedAt, 'an update is not news: its date stays');
    const feed = parseRssFeed(await (await service.request('/categories/dal-territorio/rss.xml')).text());
    assert.ok(feed.items?.some((entry) => entry.title === 'Story 100, corrected'));
    assert.ok(!feed.items?.some((entry) => entry.title === 'Story 100'));
    await service.request(`/api/sources/${source.id}?articles=delete`, { method: 'DELETE', admin: true });
  });

  it('two fetches at once (and a sweep) make one article per item', async () => {
    items = [item(200, 5), item(201, 4)];
    const source = await addDaily();
    items = [item(202, 1), ...items];
    service.clock.advance(30 * MINUTE);
    await Promise.all([
      service.request(`/api/sources/${source.id}/fetch`, { method: 'POST', admin: true }),
      service.request(`/api/sources/${source.id}/fetch`, { method: 'POST', admin: true }),
      service.ctx.ingest.runDueWork(),
      service.ctx.ingest.fetchNow(source.id),
    ]);
    assert.deepEqual(articlesOf(source.id).map((article) => article.title).sort(), ['Story 200', 'Story 201', 'Story 202']);
    await service.request(`/api/sources/${source.id}?articles=delete`, { method: 'DELETE', admin: true });
  });

  it('an ingested article is in its category feeds (with its source), on the pages, and in the next digest; an update is not mailed again', async () => {
    items = [item(300, 60)];
    const source = await addDaily({ categories: ['Valle'] });
    await importSubscribers(service, [{ email: 'valle@example.org', categories: ['valle'] }]);
    service.clock.advance(MINUTE);
    items = [item(301, 0), ...items];
    await service.ctx.ingest.fetchNow(source.id);
    const article = articlesOf(source.id).find((one) => one.title === 'Story 301')!;

    const rssFeed = await (await service.request('/categories/valle/rss.xml')).text();
    assert.match(rssFeed, new RegExp(`<source url="${upstream.url}/daily.xml">Upstream Daily</source>`));
    const atom = parseAtomFeed(await (await service.request('/categories/valle/atom.xml')).text());
    assert.equal(atom.entries?.find((entry) => entry.title?.value === 'Story 301')?.authors?.[0]?.name, 'Upstream Daily', 'an item without an author is its source\'s');
    assert.match(await (await service.request('/categories/valle/atom.xml')).text(), /<source>\s*<title type="text">Upstream Daily<\/title>/);
    const json = parseJsonFeed(await (await service.request('/categories/valle/feed.json')).text());
    assert.equal(json.items?.find((entry) => entry.title === 'Story 301')?.external_url, 'https://upstream.example/item-301');

    const page = await (await service.request(`/articles/${article.slug}`)).text();
    assert.match(page, /<link rel="canonical" href="https:\/\/upstream\.example\/item-301">/);
    assert.match(page, /<a href="https:\/\/upstream\.example\/item-301" rel="noopener">Upstream Daily<\/a>/);
    assert.match(await (await service.request('/categories/valle')).text(), /Story 301/);

    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [digest] = mailsTo(mailed.sink, 'valle@example.org', before);
    assert.ok(digest && textOf(digest).includes('Story 301'));
    assert.ok(!textOf(digest).includes('Story 300'), 'the backfilled item was published before the subscriber joined');

    items = [{ ...items[0]!, title: 'Story 301, updated' }, ...items.slice(1)];
    service.clock.advance(MINUTE);
    await service.ctx.ingest.fetchNow(source.id);
    const count = mailed.sink.messages.length;
    service.clock.advance(MINUTE);
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'valle@example.org', count).length, 0);
  });

  it('an item dated before a subscriber\'s last digest but fetched after it is in their next digest, once', async () => {
    items = [item(500, 120)];
    const source = await addDaily({ categories: ['Ritardi'] });
    await importSubscribers(service, [{ email: 'ritardi@example.org', categories: ['ritardi'] }]);
    service.clock.advance(5 * MINUTE);
    // Upstream, an item dated now; we fetch it only after the digest below has gone out.
    const late = item(501, 0);
    service.clock.advance(3 * MINUTE);
    await publish(service, 'Notizia di casa', ['Ritardi']);
    service.clock.advance(2 * MINUTE);
    let before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [first] = mailsTo(mailed.sink, 'ritardi@example.org', before);
    assert.ok(first && textOf(first).includes('Notizia di casa'));

    items = [late, ...items];
    service.clock.advance(10 * MINUTE);
    await service.ctx.ingest.fetchNow(source.id);
    assert.ok(articlesOf(source.id).some((article) => article.title === 'Story 501'));
    service.clock.advance(MINUTE);
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [second] = mailsTo(mailed.sink, 'ritardi@example.org', before);
    assert.ok(second && textOf(second).includes('Story 501'), 'the late item is mailed');
    assert.ok(!textOf(second).includes('Notizia di casa'), 'what was mailed is not mailed again');
    service.clock.advance(MINUTE);
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'ritardi@example.org', before).length, 0, 'and only once');
  });

  it('a deleted source stops; its articles stay (without a source) unless ?articles=delete', async () => {
    items = [item(400, 3)];
    const source = await addDaily();
    const [article] = articlesOf(source.id);
    assert.equal((await service.request(`/api/sources/${source.id}`, { method: 'DELETE', admin: true })).status, 204);
    assert.equal((await service.request(`/api/sources/${source.id}`, { admin: true })).status, 404);
    const view = await (await service.request(`/api/articles/${article!.id}`)).json();
    assert.equal(view.source, null);
    assert.equal(view.originalUrl, 'https://upstream.example/item-400');
  });
});
