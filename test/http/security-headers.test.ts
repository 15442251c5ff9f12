// The headers that keep browsers from sniffing, framing or running anything: nosniff on every
// response, and every HTML answer (pages, error pages of feed URLs, the newsletter preview)
// with the pages' Content-Security-Policy and X-Frame-Options.
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('security headers', () => {
  let service: TestService;
  let pageHeaders: Headers;

  before(async () => {
    service = await startTestService();
    service.clock.advance(60_000);
    const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Primo', contentHtml: '<p>Testo.</p>', categories: ['Cultura'] } });
    assert.equal(res.status, 201);
    pageHeaders = (await service.request('/', { headers: HTML })).headers;
    assert.match(pageHeaders.get('content-security-policy') ?? '', /default-src 'none'/, 'pages have a policy to compare with');
  });

  after(() => service.stop({ removeData: true }));

  it('every response says X-Content-Type-Options: nosniff (feeds, 304s, OPML, API, pages, assets, errors)', async () => {
    const feed = await service.request('/categories/cultura/atom.xml');
    const home = await (await service.request('/', { headers: HTML })).text();
    const stylesheet = /href="([^"]*\/assets\/styles\.css[^"]*)"/.exec(home)![1]!.replace(service.url, '');
    const asset = await service.request(stylesheet);
    const requests: [string, RequestInit & { admin?: boolean; json?: unknown }, number][] = [
      ['/rss.xml', {}, 200],
      ['/categories/cultura/atom.xml', { headers: { 'if-none-match': feed.headers.get('etag')! } }, 304],
      ['/feed.json', { method: 'HEAD' }, 200],
      ['/rss.xml?page=abc', {}, 400],
      ['/categories/nope/feed.json', {}, 404],
      ['/feeds.opml', {}, 200],
      ['/healthz', {}, 200],
      ['/api/articles', {}, 200],
      ['/api/articles', { method: 'OPTIONS' }, 200],
      ['/api/subscribers', {}, 401],
      ['/api/articles/nope', {}, 404],
      ['/api/articles', { method: 'POST', admin: true, json: { title: '' } }, 422],
      ['/', { headers: HTML }, 200],
      ['/nope', { headers: HTML }, 404],
      [stylesheet, {}, 200],
      // fetch adds `Cache-Control: no-cache` to a conditional request unless given one.
      [stylesheet, { headers: { 'if-none-match': asset.headers.get('etag')!, 'cache-control': 'max-age=0' } }, 304],
    ];
    for (const [path, init, status] of requests) {
      const res = await service.request(path, init);
      const what = `${init.method ?? 'GET'} ${path}`;
      assert.equal(res.status, status, what);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
    }
  });

  it('an HTML error page for a feed URL has the same Content-Security-Policy and framing rules as every page', async () => {
    for (const [path, status] of [
      ['/rss.xml?page=abc', 400],
      ['/atom.xml?page=99', 404],
      ['/categories/nope/rss.xml', 404],
      ['/categories/nope/feed.json', 404],
    ] as const) {
      const res = await service.request(path, { headers: HTML });
      assert.equal(res.status, status, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, path);
      for (const name of ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy']) {
        assert.equal(res.headers.get(name), pageHeaders.get(name), `${path}: ${name}`);
      }
    }
  });

  it('the newsletter preview runs no script and cannot be framed; only its inline styles (the email design) are allowed', async () => {
    const res = await service.request('/api/newsletter/preview', { admin: true });
    assert.equal(res.status, 200, await res.clone().text());
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const policy = res.headers.get('content-security-policy') ?? '';
    const pagePolicy = pageHeaders.get('content-security-policy')!;
    // Pages may load our own script files (the subscribe form's time-zone.js); the preview none.
    assert.match(pagePolicy, /; script-src 'self'$/);
    assert.equal(policy, pagePolicy.replace("style-src 'self'", "style-src 'unsafe-inline'").replace("; script-src 'self'", ''));
    assert.doesNotMatch(policy, /script-src/, "scripts fall under default-src 'none'");
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });
});
