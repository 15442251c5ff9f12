// The pages people read, over real HTTP: what is listed and what is not, escaping, dates in
// TIMEZONE, the site's language, feed autodiscovery, readable errors and the caching and framing
// headers of pages, styles and the embed.
import assert from 'node:assert/strict';
import { SITE_SCOPE } from '../../src/store/articles.js';
import { alternateLinks, startPagesService, type PagesService } from './fixture.js';

describe('read pages', () => {
  let service: PagesService;

  before(async () => {
    service = await startPagesService();
  });

  after(async () => {
    await service.stop({ removeData: true });
  });

  const html = async (path: string, status = 200) => {
    const res = await service.page(path);
    assert.equal(res.status, status, `${path} answered ${res.status}`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    return res.text();
  };

  it('lists the latest due articles on the home page, newest first, in Italian', async () => {
    const page = await html('/');
    assert.match(page, /<html lang="it">/);
    assert.match(page, /Ultime notizie/);
    const newest = service.ctx.store.articles.listDue(SITE_SCOPE, service.clock(), 0, 3);
    const positions = newest.map((article) => page.indexOf(`href="/articles/${article.slug}"`));
    assert.ok(positions.every((at) => at > 0), 'the newest articles are linked');
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'newest first');
    assert.match(page, /<form class="form" method="post" action="\/subscribe" novalidate>/);
  });

  it('shows neither drafts nor scheduled articles until they are due', async () => {
    const draft = await service.createArticle({ title: 'Bozza riservata', status: 'draft', categories: ['Salute'] });
    const due = new Date(service.clock().getTime() + 60 * 60 * 1000);
    const scheduled = await service.createArticle({ title: 'Annuncio programmato', publishedAt: due.toISOString(), categories: ['Salute'] });
    for (const path of ['/', '/categories/salute']) {
      const page = await html(path);
      assert.doesNotMatch(page, /Bozza riservata|Annuncio programmato/, path);
    }
    await html(`/articles/${draft.slug}`, 404);
    await html(`/articles/${scheduled.slug}`, 404);
    service.clock.set(due);
    assert.match(await html('/categories/salute'), /Annuncio programmato/);
    assert.match(await html(`/articles/${scheduled.slug}`), /<h1 class="article__title">Annuncio programmato<\/h1>/);
    await html(`/articles/${draft.slug}`, 404);
  });

  it('escapes titles and summaries but keeps the sanitised article HTML', async () => {
    const article = await service.createArticle({
      title: 'Prezzi <b>bassi</b> & "offerte"',
      summary: '<script>alert(1)</script>',
      contentHtml: '<p>Primo <strong>paragrafo</strong>.</p><script>alert(2)</script>',
      categories: ['Cultura'],
    });
    const page = await html(`/articles/${article.slug}`);
    assert.match(page, /Prezzi &lt;b&gt;bassi&lt;\/b&gt; &amp; &quot;offerte&quot;/);
    assert.match(page, /<p>Primo <strong>paragrafo<\/strong>\.<\/p>/);
    assert.doesNotMatch(page, /<script/);
  });

  it('shows an article with its categories as links and its related articles', async () => {
    const [article] = service.ctx.store.articles.listDue('inclusione', service.clock(), 0, 1);
    const page = await html(`/articles/${article!.slug}`);
    assert.match(page, /<a class="tag tag--large" href="\/categories\/inclusione">Inclusione<\/a>/);
    assert.match(page, /<h2 id="related-heading" class="section-title">Articoli correlati<\/h2>/);
    for (const related of service.ctx.store.articles.related(article!, service.clock())) {
      assert.ok(page.includes(`href="/articles/${related.slug}"`), `links the related article ${related.slug}`);
    }
  });

  it('links the site feeds from every page, and the category feeds from category and article pages', async () => {
    const origin = service.url;
    const site = [`${origin}/rss.xml`, `${origin}/atom.xml`, `${origin}/feed.json`];
    const salute = ['rss.xml', 'atom.xml', 'feed.json'].map((file) => `${origin}/categories/salute/${file}`);
    for (const path of ['/', '/?page=2', '/subscribe', '/subscribe/sent']) {
      assert.deepEqual(alternateLinks(await html(path)).map((link) => link.href), site, path);
    }
    assert.deepEqual(alternateLinks(await html('/does-not-exist', 404)).map((link) => link.href), site);
    assert.deepEqual(alternateLinks(await html('/categories/salute')).map((link) => link.href), [...site, ...salute]);
    assert.deepEqual(alternateLinks(await html('/embed/salute')).map((link) => link.href), [...site, ...salute]);
    const [article] = service.ctx.store.articles.listDue('salute', service.clock(), 0, 1);
    const hrefs = alternateLinks(await html(`/articles/${article!.slug}`)).map((link) => link.href);
    assert.deepEqual(hrefs.slice(0, 3), site);
    for (const feed of salute) assert.ok(hrefs.includes(feed), `the article page links ${feed}`);
    assert.deepEqual(alternateLinks(await html('/')).map((link) => link.type), ['application/rss+xml', 'application/atom+xml', 'application/feed+json']);
    const category = await html('/categories/salute');
    assert.match(category, /Copia uno di questi indirizzi nel tuo lettore di notizie/);
    assert.ok(category.includes(`<a href="${origin}/categories/salute/rss.xml" type="application/rss+xml">RSS</a>`));
  });

  it('shows the copy-paste snippets for the script embed and the iframe on a category page', async () => {
    const page = await html('/categories/salute');
    assert.ok(page.includes(`&lt;script src=&quot;${service.url}/embed.js&quot; data-category=&quot;salute&quot; data-limit=&quot;5&quot; async&gt;&lt;/script&gt;`));
    assert.ok(page.includes(`&lt;iframe src=&quot;${service.url}/embed/salute?limit=5&quot;`));
  });

  it('pages through a category and refuses pages that do not exist', async () => {
    await html('/categories/salute?page=2', 404);
    await html('/?page=zero', 400);
    await html('/categories/nessuna', 404);
  });

  it('answers browsers with a readable page and API clients with problem+json', async () => {
    const page = await html('/articles/non-esiste', 404);
    assert.match(page, /<h1>Pagina non trovata<\/h1>/);
    assert.match(page, /Torna alla pagina iniziale/);
    const api = await service.request('/api/articles/non-esiste', { headers: { accept: 'text/html' } });
    assert.match(api.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('keeps pages out of frames, but lets /embed/{slug} be framed anywhere', async () => {
    const home = await service.page('/');
    assert.equal(home.headers.get('x-frame-options'), 'DENY');
    assert.match(home.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.match(home.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const frame = await service.page('/embed/salute');
    assert.equal(frame.status, 200);
    assert.equal(frame.headers.get('x-frame-options'), null);
    assert.match(frame.headers.get('content-security-policy') ?? '', /frame-ancestors \*/);
    assert.equal((await service.page('/embed/nessuna')).status, 404);
  });

  it('serves the stylesheet under a hashed URL with a year of caching', async () => {
    const [, href] = /<link rel="stylesheet" href="([^"]+)">/.exec(await html('/'))!;
    assert.match(href!, /^\/assets\/styles\.css\?v=[\w-]{10}$/);
    const css = await service.request(href!);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(css.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
  });

  it('serves embed.js to every origin with a short cache and revalidation', async () => {
    const res = await service.request('/embed.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=600');
    const script = await res.text();
    assert.ok(script.includes('"timeZone":"Europe/Rome"') && script.includes('"language":"it"'), 'the site settings are written in');
    // As a browser revalidates; fetch() alone would add `Cache-Control: no-cache`, which forbids a 304.
    const again = await service.request('/embed.js', { headers: { 'if-none-match': res.headers.get('etag')!, 'cache-control': 'max-age=0' } });
    assert.equal(again.status, 304);
  });
});

describe('read pages in another language and time zone', () => {
  let service: PagesService;

  before(async () => {
    service = await startPagesService({ SITE_LANGUAGE: 'en-GB', TIMEZONE: 'America/New_York' });
  });

  after(async () => {
    await service.stop({ removeData: true });
  });

  it('speaks English and shows dates in TIMEZONE', async () => {
    // 02:30 UTC on the 27th is still the 26th in New York.
    service.clock.set('2026-11-27T03:00:00Z');
    const article = await service.createArticle({ title: 'Late edition', publishedAt: '2026-11-27T02:30:00Z', categories: ['Salute'] });
    const page = await (await service.page(`/articles/${article.slug}`)).text();
    assert.match(page, /<html lang="en-GB">/);
    assert.match(page, /<time datetime="2026-11-27T02:30:00.000Z">26 November 2026 at 21:30<\/time>/);
    assert.match(page, /Related articles|Get the news by email/);
    const missing = await (await service.page('/articles/nothing-here')).text();
    assert.match(missing, /<h1>Page not found<\/h1>/);
  });
});
