// Feeds as a reader sees them: parsed with a real parser (feedsmith) and checked field by field
// in RSS, Atom and JSON Feed; caching and revalidation.
import assert from 'node:assert/strict';
import { parseOpml } from 'feedsmith';
import { startTestService, type TestService } from '../helpers/service.js';
import { MINUTE, FORMATS, decodeHtml, iso, create, fetchText, readFeeds, idsOf, urn, type Article } from './feed-helpers.js';

describe('feeds', () => {
  let service: TestService;
  let primo: Article, italia: Article, terzo: Article;
  const title = "L'Italia che cambia: perché è così & com’è";
  const summary = "Un’analisi dell'anno: città & paesi, più servizi";

  before(async () => {
    service = await startTestService();
    primo = await create(service, { title: 'Primo', categories: ['Cultura'] });
    const created = await create(service, {
      title,
      summary,
      contentHtml: '<p>L’Italia è <em>bella</em> & l\'acqua è “buona” — <a href="https://example.com/a?x=1&y=2">fonte</a></p>',
      author: 'Chiara D’Amico',
      categories: ["l'Italia del noi", 'Salute', 'Arte & Cultura'],
      imageUrl: 'https://example.com/foto.png',
    });
    terzo = await create(service, { title: 'Terzo', categories: ['Cultura'] });
    // An edit after publication, so that "updated" differs from "published".
    service.clock.advance(MINUTE);
    const res = await service.request(`/api/articles/${created.id}`, { method: 'PATCH', admin: true, json: { author: 'Chiara D’Amico & co.' } });
    italia = (await res.json()) as Article;
  });

  after(() => service.stop({ removeData: true }));

  it('site feeds list every article newest first, with the same urn:uuid ids in all three formats', async () => {
    const expected = urn(terzo, italia, primo);
    assert.deepEqual(idsOf(await readFeeds(service)), { rss: expected, atom: expected, json: expected });
  });

  it('a category feed holds only its articles, newest first', async () => {
    const expected = urn(terzo, primo);
    assert.deepEqual(idsOf(await readFeeds(service, '/categories/cultura')), { rss: expected, atom: expected, json: expected });
    const italian = urn(italia);
    assert.deepEqual(idsOf(await readFeeds(service, '/categories/l-italia-del-noi')), { rss: italian, atom: italian, json: italian });
  });

  it('RSS: title, link, summary, content, dc:creator, categories with domain, pubDate, enclosure', async () => {
    const { rss } = await readFeeds(service);
    const item = rss.items!.find((candidate) => candidate.guid?.value === `urn:uuid:${italia.id}`)!;
    assert.equal(item.guid?.isPermaLink, false);
    assert.equal(item.title, title);
    assert.equal(item.link, italia.url);
    assert.equal(decodeHtml(item.description!), summary);
    assert.equal(item.content?.encoded, italia.contentHtml);
    assert.deepEqual(item.dc?.creators, ['Chiara D’Amico & co.']);
    assert.deepEqual(item.categories, [
      { name: "l'Italia del noi", domain: `${service.url}/categories/l-italia-del-noi` },
      { name: 'Salute', domain: `${service.url}/categories/salute` },
      { name: 'Arte & Cultura', domain: `${service.url}/categories/arte-e-cultura` },
    ]);
    assert.equal(iso(item.pubDate), italia.publishedAt);
    assert.deepEqual(item.enclosures?.map(({ url, type }) => ({ url, type })), [{ url: 'https://example.com/foto.png', type: 'image/png' }]);
    assert.equal(rss.language, 'it');
    assert.equal(iso(rss.lastBuildDate), italia.updatedAt);
  });

  it('Atom: title and summary as plain text, link, content, author, categories (term = slug, label = name), dates, image', async () => {
    const { atom } = await readFeeds(service);
    const entry = atom.entries!.find((candidate) => candidate.id === `urn:uuid:${italia.id}`)!;
    assert.deepEqual(entry.title, { value: title, type: 'text' });
    assert.equal(entry.links?.find((link) => !link.rel || link.rel === 'alternate')?.href, italia.url);
    assert.deepEqual(entry.summary, { value: summary, type: 'text' });
    assert.equal(entry.content?.type, 'html');
    assert.equal(entry.content?.value, italia.contentHtml);
    assert.deepEqual(entry.authors?.map((author) => author.name), ['Chiara D’Amico & co.']);
    assert.deepEqual(entry.categories?.map(({ term, label }) => ({ term, label })), [
      { term: 'l-italia-del-noi', label: "l'Italia del noi" },
      { term: 'salute', label: 'Salute' },
      { term: 'arte-e-cultura', label: 'Arte & Cultura' },
    ]);
    assert.equal(iso(entry.published), italia.publishedAt);
    assert.equal(iso(entry.updated), italia.updatedAt);
    assert.notEqual(entry.published, entry.updated);
    const image = entry.links?.find((link) => link.rel === 'enclosure');
    assert.deepEqual(image && { href: image.href, type: image.type }, { href: 'https://example.com/foto.png', type: 'image/png' });
    assert.match(atom.xml?.lang ?? '', /^it/);
  });

  it('JSON Feed 1.1: title, url, summary, content_html, authors, tags, dates, image, language', async () => {
    const { json, raw } = await readFeeds(service);
    assert.equal(raw.json.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(json.language, 'it');
    const item = json.items!.find((candidate) => candidate.id === `urn:uuid:${italia.id}`)!;
    const rawItem = (raw.json.items as Record<string, unknown>[]).find((candidate) => candidate.id === item.id)!;
    assert.deepEqual(rawItem.authors, [{ name: 'Chiara D’Amico & co.' }]);
    assert.equal(rawItem.author, undefined, 'JSON Feed 1.0 `author` is replaced by `authors`');
    assert.equal(item.title, title);
    assert.equal(item.url, italia.url);
    assert.equal(item.summary, summary);
    assert.equal(item.content_html, italia.contentHtml);
    assert.deepEqual(item.tags, ["l'Italia del noi", 'Salute', 'Arte & Cultura']);
    assert.equal(iso(item.date_published), italia.publishedAt);
    assert.equal(iso(item.date_modified), italia.updatedAt);
    assert.equal(item.image, 'https://example.com/foto.png');
  });

  it('Italian text, both apostrophes, an ampersand and HTML content come through the API intact', async () => {
    // What the feeds were compared with above: the stored text is the text the editor wrote.
    assert.equal(italia.title, title);
    assert.equal(italia.summary, summary);
    assert.match(italia.contentHtml, /^<p>L’Italia è <em>bella<\/em> &amp; l'acqua è “buona” — <a href="https:\/\/example.com\/a\?x=1&amp;y=2"/);
  });

  it('each format links to itself: RSS atom:link, Atom link rel=self, JSON feed_url', async () => {
    for (const prefix of ['', '/categories/salute']) {
      const { rss, atom, json } = await readFeeds(service, prefix);
      assert.equal(rss.atom?.links?.find((link) => link.rel === 'self')?.href, `${service.url}${prefix}/rss.xml`);
      assert.equal(atom.links?.find((link) => link.rel === 'self')?.href, `${service.url}${prefix}/atom.xml`);
      assert.equal(json.feed_url, `${service.url}${prefix}/feed.json`);
      assert.equal(json.home_page_url, `${service.url}${prefix || '/'}`);
    }
  });

  it('/feeds.opml lists the site and every category in the three formats', async () => {
    const opml = parseOpml(await fetchText(service, '/feeds.opml', 'text/x-opml; charset=utf-8'));
    const urls = (opml.body?.outlines ?? []).flatMap((group) => (group.outlines ?? []).map((outline) => outline.xmlUrl)).sort();
    const scopes = ['', '/categories/arte-e-cultura', '/categories/cultura', '/categories/l-italia-del-noi', '/categories/salute'];
    assert.deepEqual(urls, scopes.flatMap((prefix) => Object.values(FORMATS).map((file) => `${service.url}${prefix}/${file}`)).sort());
  });

  it('an unknown category feed is a 404 problem in every format', async () => {
    for (const file of Object.values(FORMATS)) {
      const res = await service.request(`/categories/nope/${file}`);
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
  });

  describe('caching and revalidation', () => {
    it('200 and 304 both carry ETag, Last-Modified, Cache-Control max-age and CORS *', async () => {
      const first = await service.request('/categories/cultura/feed.json');
      assert.equal(first.status, 200);
      const again = await service.request('/categories/cultura/feed.json', { headers: { 'if-none-match': first.headers.get('etag')! } });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), '');
      for (const res of [first, again]) {
        assert.match(res.headers.get('etag') ?? '', /^(W\/)?"[^"]+"$/);
        assert.ok(!Number.isNaN(Date.parse(res.headers.get('last-modified') ?? '')));
        assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+/);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
      }
      assert.equal(again.headers.get('etag'), first.headers.get('etag'));
    });

    it('If-Modified-Since: the same or a later date gives 304, an earlier one 200', async () => {
      const lastModified = Date.parse((await service.request('/rss.xml')).headers.get('last-modified')!);
      const ask = (offset: number) => service.request('/rss.xml', { headers: { 'if-modified-since': new Date(lastModified + offset).toUTCString() } });
      assert.equal((await ask(0)).status, 304);
      assert.equal((await ask(3_600_000)).status, 304);
      const earlier = await ask(-3_600_000);
      assert.equal(earlier.status, 200);
      assert.ok((await earlier.text()).includes('<rss'));
    });

    it('an edit in the same second as the last render is not hidden from If-Modified-Since', async () => {
      const before = await service.request('/categories/salute/rss.xml');
      const lastModified = before.headers.get('last-modified')!;
      // The clock does not move: a second change within the second of the previous render.
      const res = await service.request(`/api/articles/${italia.id}`, { method: 'PATCH', admin: true, json: { summary: 'Riassunto corretto' } });
      assert.equal(res.status, 200);
      const again = await service.request('/categories/salute/rss.xml', { headers: { 'if-modified-since': lastModified } });
      assert.notEqual(again.headers.get('etag'), before.headers.get('etag'));
      assert.equal(again.status, 200, 'a 304 here leaves the reader with the old feed until the next change');
      assert.ok((await again.text()).includes('Riassunto corretto'));
    });

    it('HEAD gives the headers and no body', async () => {
      const get = await service.request('/atom.xml');
      const head = await service.request('/atom.xml', { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      for (const name of ['content-type', 'etag', 'last-modified', 'cache-control', 'access-control-allow-origin']) assert.equal(head.headers.get(name), get.headers.get(name), name);
    });

    it('an unchanged feed asked again is not rendered again', async () => {
      await service.request('/categories/salute/atom.xml');
      const renders = service.ctx.feeds.renders;
      const res = await service.request('/categories/salute/atom.xml');
      await service.request('/categories/salute/atom.xml', { headers: { 'if-none-match': res.headers.get('etag')! } });
      assert.equal(service.ctx.feeds.renders, renders);
    });

    it('an edit in one category changes its feeds and the site feeds, not another category', async () => {
      const etags = async () => {
        const result: Record<string, string> = {};
        for (const prefix of ['', '/categories/cultura', '/categories/salute']) {
          for (const file of Object.values(FORMATS)) result[`${prefix}/${file}`] = (await service.request(`${prefix}/${file}`)).headers.get('etag')!;
        }
        return result;
      };
      const before = await etags();
      const ids = idsOf(await readFeeds(service));
      service.clock.advance(MINUTE);
      const res = await service.request(`/api/articles/${primo.id}`, { method: 'PATCH', admin: true, json: { title: 'Primo, rivisto' } });
      assert.equal(res.status, 200);
      const after = await etags();
      for (const [url, etag] of Object.entries(before)) {
        if (url.startsWith('/categories/salute')) assert.equal(after[url], etag, `${url} unchanged`);
        else assert.notEqual(after[url], etag, `${url} changed`);
      }
      // Ids never change with an edit; the edit itself shows.
      const edited = await readFeeds(service);
      assert.deepEqual(idsOf(edited), ids);
      assert.equal(edited.json.items?.find((item) => item.id === `urn:uuid:${primo.id}`)?.title, 'Primo, rivisto');
    });
  });
});
