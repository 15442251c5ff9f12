// Real-world feeds (WordPress, Ghost, Atom with xml:base, JSON Feed 1.0 and 1.1, RDF, ISO-8859-1,
// entities, malformed) become articles with exactly the text their authors wrote.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import type { ArticleView } from '../../src/domain/article.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { feedWithEtag, fixture, startUpstream, type Upstream } from '../helpers/upstream.js';

describe('ingest: feed formats', () => {
  let service: TestService;
  let upstream: Upstream;

  before(async () => {
    upstream = await startUpstream();
    service = await startTestService({ ALLOW_PRIVATE_NETWORKS: 'true' });
  });
  after(async () => {
    await service.stop({ removeData: true });
    await upstream.close();
  });

  async function addSource(name: string, contentType: string, body: Record<string, unknown> = {}): Promise<{ source: any; articles: ArticleView[] }> {
    upstream.set(`/${name}`, feedWithEtag(fixture(name), contentType));
    const response = await service.request('/api/sources', { method: 'POST', admin: true, json: { url: `${upstream.url}/${name}`, ...body } });
    assert.equal(response.status, 201, await response.clone().text());
    const source = await response.json();
    const articles = service.ctx.store.articles.ofSource(source.id).map((article) => article.id);
    const views = await Promise.all(articles.map(async (id) => (await service.request(`/api/articles/${id}`)).json() as Promise<ArticleView>));
    return { source, articles: views.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)) };
  }

  it('a WordPress RSS: content:encoded cleaned, relative links resolved, its categories kept when asked', async () => {
    const { source, articles } = await addSource('wordpress.xml', 'application/rss+xml; charset=UTF-8', { categories: ['Partner'], keepCategories: true });
    assert.equal(source.title, 'Cronache di Borgo');
    assert.equal(source.counts.imported, 2);
    const [first] = articles;
    assert.equal(first!.title, 'Il mercato torna in piazza – da sabato');
    assert.equal(first!.author, 'Giulia Neri');
    assert.equal(first!.publishedAt, '2026-11-26T17:02:11.000Z');
    assert.equal(first!.summary, 'Dopo due anni il mercato del sabato torna in piazza Garibaldi. […]');
    assert.match(first!.contentHtml, /<a href="https:\/\/cronache\.example\/regolamento\/" rel="noopener noreferrer">il regolamento<\/a>/);
    assert.match(first!.contentHtml, /<img src="https:\/\/cronache\.example\/wp-content\/uploads\/2026\/11\/mercato\.jpg" alt="Banchi in piazza" \/>/);
    assert.doesNotMatch(first!.contentHtml, /script|alert/);
    assert.deepEqual(first!.categories.map((category) => category.name), ['Partner', 'Città', 'Commercio']);
    assert.equal(first!.originalUrl, 'https://cronache.example/2026/11/26/il-mercato-torna-in-piazza/');
    assert.deepEqual(first!.source, { id: source.id, title: 'Cronache di Borgo', url: 'https://cronache.example/' });
  });

  it('a Ghost RSS: the media:content image, the author, the ttl as the next fetch', async () => {
    const { source, articles } = await addSource('ghost.xml', 'application/rss+xml; charset=utf-8', { categories: ['Lago'] });
    const [article] = articles;
    assert.equal(article!.title, 'Nebbia sul lago, traghetti in ritardo');
    assert.equal(article!.imageUrl, 'https://lago.example/content/images/2026/11/nebbia.jpg');
    assert.equal(article!.author, 'Anna Lupi');
    assert.equal(article!.summary, 'La nebbia ha rallentato i traghetti.');
    assert.deepEqual(article!.categories.map((category) => category.name), ['Lago'], 'the item\'s own category only with keepCategories');
    assert.equal(Date.parse(source.nextFetchAt) - service.clock().getTime(), 60 * 60_000, 'ttl 60 beats the 30-minute interval');
  });

  it('an Atom feed: HTML title read as text, links and images resolved against nested xml:base', async () => {
    const { articles } = await addSource('atom-xml-base.xml', 'application/atom+xml');
    const [article] = articles;
    assert.equal(article!.title, 'Fish & Chips <3');
    assert.equal(article!.originalUrl, 'https://studio.example/blog/posts/2026/fish-and-chips.html');
    assert.equal(article!.contentHtml, '<p>See <a href="https://studio.example/blog/about/" rel="noopener noreferrer">about</a> and <img src="https://studio.example/blog/posts/2026/img/fish.png" alt="fish" /></p>');
    assert.equal(article!.summary, 'A short note on fish.');
    assert.equal(article!.publishedAt, '2026-11-26T10:00:00.000Z');
  });

  it('JSON Feed 1.0 and 1.1: image, summary, tags, plain-text content', async () => {
    const one = (await addSource('json-feed-1.0.json', 'application/feed+json', { keepCategories: true })).articles[0]!;
    assert.equal(one.title, 'A new palette');
    assert.equal(one.imageUrl, 'https://pixel.example/img/palette.png');
    assert.equal(one.summary, 'Sixteen colours.');
    assert.equal(one.author, 'Pia');
    assert.deepEqual(one.categories.map((category) => category.name), ['Arte']);
    const eleven = (await addSource('json-feed-1.1.json', 'application/feed+json')).articles[0]!;
    assert.equal(eleven.title, 'Sprites & tiles');
    assert.equal(eleven.contentHtml, '<p>Plain text &lt;not markup&gt;.</p>');
    assert.equal(eleven.author, 'Pia P.');
  });

  it('RDF (RSS 1.0) with Dublin Core date and creator', async () => {
    const [article] = (await addSource('rdf.xml', 'application/rdf+xml')).articles;
    assert.equal(article!.title, 'Kernel 9.0 released');
    assert.equal(article!.author, 'timothy');
    assert.equal(article!.publishedAt, '2026-11-24T15:00:00.000Z');
  });

  it('an ISO-8859-1 RSS declared in the XML only, and one declared in Content-Type only', async () => {
    const [declared] = (await addSource('latin1.xml', 'application/rss+xml')).articles;
    assert.equal(declared!.title, 'Perché la città cresce');
    assert.equal(declared!.contentHtml, '<p>Caffè e © giù.</p>');
    upstream.set('/latin1-header', feedWithEtag(Buffer.from(fixture('latin1.xml').toString('latin1').replace(' encoding="ISO-8859-1"', ''), 'latin1'), 'text/xml; charset=iso-8859-1'));
    const response = await service.request('/api/sources', { method: 'POST', admin: true, json: { url: `${upstream.url}/latin1-header` } });
    assert.equal((await response.json()).title, 'Gazzetta dà Valle');
  });

  it('entities in titles and content come out as the characters they stand for', async () => {
    const { source, articles } = await addSource('entities.xml', 'application/rss+xml');
    assert.equal(source.title, 'Q&A — Weekly');
    assert.equal(articles[0]!.title, 'Tom & Jerry <3 “quotes” 😀');
    assert.equal(articles[0]!.contentHtml, '<p>5 &lt; 6 &amp; "ok"</p>');
    assert.equal(articles[0]!.originalUrl, 'https://qa.example/1?a=1&b=2');
  });

  it('a malformed feed is read as far as it goes: an undated item is dated when first seen', async () => {
    const { source, articles } = await addSource('malformed.xml', 'application/rss+xml');
    const [article] = articles;
    assert.equal(article!.title, 'Unescaped & ampersand');
    assert.equal(article!.contentHtml, '<p>Unclosed <b>bold</b></p>');
    assert.equal(article!.publishedAt, service.clock().toISOString());
    // Seen again later (without its ETag): the same item, not an update.
    service.clock.advance(60 * 60_000);
    await service.ctx.store.sources.update(source.id, () => ({ etag: undefined }));
    const again = await service.ctx.ingest.fetchNow(source.id);
    assert.deepEqual(again!.counts, { seen: 1, imported: 1, updated: 0 });
    assert.equal(service.ctx.store.articles.byId(article!.id)!.publishedAt, article!.publishedAt);
  });

  it('something that is no feed is refused with a problem saying so, and no source is kept', async () => {
    upstream.set('/page.html', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>A page</title><p>hello'));
    const before = service.ctx.store.sources.all().length;
    const response = await service.request('/api/sources', { method: 'POST', admin: true, json: { url: `${upstream.url}/page.html` } });
    assert.equal(response.status, 422);
    assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.match((await response.json()).detail, /not a feed/);
    assert.equal(service.ctx.store.sources.all().length, before);
  });
});
