// Feed paging (RFC 5005), articles scheduled for later, and HTML sanitised in every format.
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';
import { MINUTE, FORMATS, decodeHtml, create, readFeeds, idsOf, urn, type Format, type Article } from './feed-helpers.js';

describe('feed paging (RFC 5005)', () => {
  let service: TestService;
  const articles: Article[] = [];

  before(async () => {
    service = await startTestService({ FEED_PAGE_SIZE: '2' });
    for (let n = 1; n <= 5; n += 1) articles.push(await create(service, { title: `Notizia ${n}` }));
  });

  after(() => service.stop({ removeData: true }));

  it('a middle page has first, previous, next and last links, and its own items', async () => {
    const page = (format: Format, n: number) => `${service.url}/${FORMATS[format]}${n > 1 ? `?page=${n}` : ''}`;
    const middle = await readFeeds(service, '', '?page=2');
    const { rss, atom, json } = middle;
    const expected = { first: 1, previous: 1, next: 3, last: 3 };
    for (const [format, links] of [['rss', rss.atom?.links ?? []], ['atom', atom.links ?? []]] as const) {
      for (const [rel, n] of Object.entries(expected)) assert.equal(links.find((link) => link.rel === rel)?.href, page(format, n), `${format} ${rel}`);
      assert.equal(links.find((link) => link.rel === 'self')?.href, page(format, 2), `${format} self`);
    }
    assert.equal(json.next_url, page('json', 3));
    assert.equal(json.feed_url, page('json', 2));
    const ids = urn(articles[2]!, articles[1]!);
    assert.deepEqual(idsOf(middle), { rss: ids, atom: ids, json: ids });
    const last = await readFeeds(service, '', '?page=3');
    assert.equal(last.json.next_url, undefined);
    assert.deepEqual(idsOf(last).json, urn(articles[0]!));
  });

  it('a page beyond the last is 404; a page that is not a number is 400', async () => {
    for (const file of Object.values(FORMATS)) {
      assert.equal((await service.request(`/${file}?page=4`)).status, 404);
      for (const bad of ['abc', '0', '-1']) {
        const res = await service.request(`/${file}?page=${bad}`);
        assert.equal(res.status, 400, `${file}?page=${bad}`);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
    }
  });
});

describe('scheduled and sanitised articles', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
    await create(service, { title: 'Già uscito', categories: ['Eventi'] });
  });

  after(() => service.stop({ removeData: true }));

  it('a future article is absent from feeds, lists and counts until the clock reaches it', async () => {
    const at = new Date(service.clock().getTime() + 60 * MINUTE).toISOString();
    const scheduled = await create(service, { title: 'In programma', categories: ['Eventi'], publishedAt: at });
    const visible = async () => {
      const site = idsOf(await readFeeds(service));
      const category = idsOf(await readFeeds(service, '/categories/eventi'));
      const list = (await (await service.request('/api/articles?category=eventi')).json()) as { items: Article[] };
      const categories = (await (await service.request('/api/categories')).json()) as { slug: string; count: number }[];
      const byRef = (await service.request(`/api/articles/${scheduled.slug}`)).status;
      return {
        feeds: [...Object.values(site), ...Object.values(category)].map((ids) => ids.includes(`urn:uuid:${scheduled.id}`)),
        list: list.items.some((item) => item.id === scheduled.id),
        count: categories.find((category) => category.slug === 'eventi')?.count,
        byRef,
      };
    };
    assert.deepEqual(await visible(), { feeds: Array(6).fill(false), list: false, count: 1, byRef: 404 });
    service.clock.set(new Date(Date.parse(at) + 1000));
    assert.deepEqual(await visible(), { feeds: Array(6).fill(true), list: true, count: 2, byRef: 200 });
  });

  it('scripts, event handlers and javascript: URLs reach no feed and no API answer; the text around them does', async () => {
    const article = await create(service, {
      title: 'Contenuto ostile',
      categories: ['Eventi'],
      contentHtml:
        '<p>Prima <script>alert("uno")</script>parte</p><img src="https://example.com/i.png" onerror="alert(2)" alt="foto">' +
        '<p><a href="javascript:alert(3)" onclick="alert(4)">clicca qui</a> e <a href="JaVaScRiPt:alert(5)">anche qui</a></p><p>Fine.</p>',
    });
    const bodies = [JSON.stringify(article), await (await service.request(`/api/articles/${article.id}`)).text()];
    for (const prefix of ['', '/categories/eventi']) {
      for (const file of Object.values(FORMATS)) bodies.push(await (await service.request(`${prefix}/${file}`)).text());
    }
    for (const body of bodies) {
      const text = decodeHtml(decodeHtml(body)).toLowerCase();
      for (const banned of ['<script', 'alert(', 'onerror', 'onclick', 'javascript:']) assert.ok(!text.includes(banned), `${banned} in ${body.slice(0, 80)}`);
      for (const kept of ['prima', 'parte', 'clicca qui', 'anche qui', 'fine.', 'https://example.com/i.png']) assert.ok(text.includes(kept), `${kept} kept`);
    }
  });
});
