// The articles API through real HTTP: create, read, list, update, delete; the admin token;
// invalid input as problem+json naming the field; categories, slugs, summaries, related, drafts.
import assert from 'node:assert/strict';
import type { ArticleView as Article } from '../../src/domain/article.js';
import { startTestService, type TestService } from '../helpers/service.js';

interface Problem {
  status: number;
  title: string;
  errors?: { field: string; message: string }[];
}

const MINUTE = 60_000;

describe('articles API', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
  });

  after(async () => {
    await service.stop({ removeData: true });
  });

  /** Creates an article one minute after the previous one, so that "newest first" is unambiguous. */
  async function create(fields: Record<string, unknown>): Promise<Article> {
    service.clock.advance(MINUTE);
    const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { contentHtml: '<p>Testo.</p>', ...fields } });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Article;
  }

  async function get(ref: string, admin = false): Promise<Response> {
    return service.request(`/api/articles/${encodeURIComponent(ref)}`, { admin });
  }

  async function count(): Promise<number> {
    const res = await service.request('/api/articles?limit=100');
    return ((await res.json()) as { items: unknown[] }).items.length;
  }

  /** Asserts an RFC 9457 answer with this status, and returns it. */
  async function expectProblem(res: Response, status: number, field?: string): Promise<Problem> {
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json\b/);
    const problem = (await res.json()) as Problem;
    assert.equal(problem.status, status);
    assert.ok(problem.title);
    if (field) assert.ok(problem.errors?.some((error) => error.field === field), `errors name ${field}: ${JSON.stringify(problem.errors)}`);
    return problem;
  }

  describe('create, read, list, update, delete', () => {
    it('creates an article: 201, a Location that answers, the article in the body', async () => {
      service.clock.advance(MINUTE);
      const res = await service.request('/api/articles', {
        method: 'POST',
        admin: true,
        json: { title: 'Nuovo bando per le biblioteche', contentHtml: '<p>Il bando apre oggi.</p>', author: 'Giulia Neri', categories: ['Cultura'], imageUrl: 'https://example.com/b.jpg' },
      });
      assert.equal(res.status, 201);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const article = (await res.json()) as Article;
      assert.equal(res.headers.get('location'), `${service.ctx.config.baseUrl}/api/articles/${article.id}`);
      assert.match(article.id, /^[0-9a-f-]{36}$/);
      assert.equal(article.slug, 'nuovo-bando-per-le-biblioteche');
      assert.equal(article.title, 'Nuovo bando per le biblioteche');
      assert.equal(article.author, 'Giulia Neri');
      assert.equal(article.status, 'published');
      assert.deepEqual(article.categories, [{ slug: 'cultura', name: 'Cultura' }]);
      assert.equal(article.url, `${service.url}/articles/${article.slug}`);
      assert.equal(article.publishedAt, service.clock().toISOString());
      const located = await fetch(res.headers.get('location')!);
      assert.equal(located.status, 200);
      assert.deepEqual(await located.json(), article);
    });

    it('reads an article by id and by slug', async () => {
      const article = await create({ title: 'Leggere per id e per slug' });
      for (const ref of [article.id, article.slug]) {
        const res = await get(ref);
        assert.equal(res.status, 200);
        assert.equal(((await res.json()) as Article).id, article.id);
      }
      await expectProblem(await get('nessun-articolo-cosi'), 404);
    });

    it('lists a category newest first, page by page with the `next` cursor', async () => {
      const created: Article[] = [];
      for (let n = 1; n <= 5; n += 1) created.push(await create({ title: `Pagina ${n}`, categories: ['Paginazione'] }));
      const seen: string[] = [];
      let next: string | null = `${service.url}/api/articles?category=paginazione&limit=2`;
      const sizes: number[] = [];
      while (next) {
        const res: Response = await fetch(next);
        assert.equal(res.status, 200);
        const body = (await res.json()) as { items: Article[]; next: string | null };
        sizes.push(body.items.length);
        seen.push(...body.items.map((item) => item.id));
        if (body.next) assert.match(res.headers.get('link') ?? '', /rel="next"/);
        next = body.next;
      }
      assert.deepEqual(sizes, [2, 2, 1]);
      assert.deepEqual(seen, created.map((article) => article.id).reverse());
    });

    it('updates an article: id and slug stay, updatedAt moves, the change shows', async () => {
      const before = await create({ title: 'Titolo provvisorio', summary: 'Scritto a mano.' });
      service.clock.advance(MINUTE);
      const res = await service.request(`/api/articles/${before.id}`, { method: 'PATCH', admin: true, json: { title: 'Titolo definitivo' } });
      assert.equal(res.status, 200);
      const after = (await res.json()) as Article;
      assert.equal(after.id, before.id);
      assert.equal(after.slug, before.slug);
      assert.equal(after.title, 'Titolo definitivo');
      assert.equal(after.summary, 'Scritto a mano.');
      assert.equal(after.publishedAt, before.publishedAt);
      assert.ok(Date.parse(after.updatedAt) > Date.parse(before.updatedAt), `${after.updatedAt} after ${before.updatedAt}`);
      assert.equal(((await (await get(before.slug)).json()) as Article).title, 'Titolo definitivo');
    });

    it('deletes an article: 204, then 404 by id and 410 by its slug, which no other article takes', async () => {
      const article = await create({ title: 'Da cancellare' });
      const res = await service.request(`/api/articles/${article.id}`, { method: 'DELETE', admin: true });
      assert.equal(res.status, 204);
      await expectProblem(await get(article.id), 404);
      await expectProblem(await get(article.slug), 410);
      await expectProblem(await service.request(`/api/articles/${article.id}`, { method: 'DELETE', admin: true }), 404);
      const page = await service.request(`/articles/${article.slug}`, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 410, 'the old page says it is gone for good');
      const successor = await create({ title: 'Da cancellare' });
      assert.equal(successor.slug, 'da-cancellare-2', 'an old link never leads to another article');
    });
  });

  describe('the admin token', () => {
    it('refuses writes without a token or with a wrong one (401), and changes nothing', async () => {
      const article = await create({ title: 'Protetto' });
      const total = await count();
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${Buffer.from('admin:x').toString('base64')}`]) {
        const headers: Record<string, string> = authorization ? { authorization } : {};
        const attempts = [
          service.request('/api/articles', { method: 'POST', headers, json: { title: 'Intruso', contentHtml: '<p>x</p>' } }),
          service.request(`/api/articles/${article.id}`, { method: 'PATCH', headers, json: { title: 'Cambiato' } }),
          service.request(`/api/articles/${article.id}`, { method: 'DELETE', headers }),
        ];
        for (const res of await Promise.all(attempts)) {
          await expectProblem(res, 401);
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
        }
      }
      assert.equal(await count(), total);
      assert.equal(((await (await get(article.id)).json()) as Article).title, 'Protetto');
      await expectProblem(await get('intruso'), 404);
    });
  });

  describe('invalid input', () => {
    const post = (body: string, contentType = 'application/json') =>
      service.request('/api/articles', { method: 'POST', admin: true, headers: { 'content-type': contentType }, body });

    it('malformed JSON: 400 naming `body`', async () => {
      await expectProblem(await post('{"title": "a", '), 400, 'body');
    });

    it('a missing title: 422 naming `title`', async () => {
      await expectProblem(await post(JSON.stringify({ contentHtml: '<p>Senza titolo</p>' })), 422, 'title');
    });

    it('an unknown field: 422 naming it', async () => {
      await expectProblem(await post(JSON.stringify({ title: 'Campo in più', contentHtml: '<p>x</p>', colour: 'red' })), 422, 'colour');
      await expectProblem(await get('campo-in-piu'), 404);
    });

    it('a 5 MB body: 413', async () => {
      await expectProblem(await post(JSON.stringify({ title: 'Enorme', contentHtml: 'x'.repeat(5 * 1024 * 1024) })), 413);
    });

    it('an unknown related slug: 422 naming `related.0`', async () => {
      await expectProblem(await post(JSON.stringify({ title: 'Correlato mancante', contentHtml: '<p>x</p>', related: ['non-esiste'] })), 422, 'related.0');
    });

    it('an unknown category in the list: 404', async () => {
      await expectProblem(await service.request('/api/articles?category=nope'), 404);
    });
  });

  describe('categories, slugs and summaries', () => {
    it('GET /api/categories: slug, name, count, url and the three feeds of each', async () => {
      await create({ title: 'Noi e gli altri', categories: ["l'Italia del noi", 'Salute'] });
      await create({ title: 'Ancora noi', categories: ["l'Italia del noi"] });
      const res = await service.request('/api/categories');
      assert.equal(res.status, 200);
      const categories = (await res.json()) as Record<string, unknown>[];
      const noi = categories.find((category) => category.name === "l'Italia del noi");
      assert.deepEqual(noi, {
        slug: 'l-italia-del-noi',
        name: "l'Italia del noi",
        count: 2,
        url: `${service.url}/categories/l-italia-del-noi`,
        feeds: {
          rss: `${service.url}/categories/l-italia-del-noi/rss.xml`,
          atom: `${service.url}/categories/l-italia-del-noi/atom.xml`,
          json: `${service.url}/categories/l-italia-del-noi/feed.json`,
        },
      });
      for (const category of categories) assert.deepEqual(Object.keys(category).sort(), ['count', 'feeds', 'name', 'slug', 'url']);
    });

    it('names that differ only in case are one category, and an article is in it once', async () => {
      const article = await create({ title: 'Tre nomi, una categoria', categories: ['Benessere', 'benessere', 'BENESSERE'] });
      assert.deepEqual(article.categories, [{ slug: 'benessere', name: 'Benessere' }]);
      const categories = (await (await service.request('/api/categories')).json()) as { slug: string; count: number }[];
      assert.equal(categories.find((category) => category.slug === 'benessere')?.count, 1);
    });

    it('a category whose only articles are drafts or scheduled is not listed until one is published', async () => {
      const listed = async () => ((await (await service.request('/api/categories')).json()) as { slug: string }[]).map((category) => category.slug);
      const draft = await create({ title: 'Bozza riservata', categories: ['Annunci riservati'], status: 'draft' });
      await create({ title: 'Annuncio futuro', categories: ['Annunci riservati'], publishedAt: '2030-01-01T00:00:00Z' });
      assert.ok(!(await listed()).includes('annunci-riservati'));
      const published = await service.request(`/api/articles/${draft.id}`, { method: 'PATCH', admin: true, json: { status: 'published' } });
      assert.equal(published.status, 200);
      assert.ok((await listed()).includes('annunci-riservati'));
    });

    it('folds accents into the slug, and a repeated title gets -2', async () => {
      const first = await create({ title: 'Perché è così' });
      const second = await create({ title: 'Perché è così' });
      assert.equal(first.slug, 'perche-e-cosi');
      assert.equal(second.slug, 'perche-e-cosi-2');
      assert.equal(((await (await get('perche-e-cosi-2')).json()) as Article).id, second.id);
    });

    it('a summary, when none is given, is the start of the text cut at a word boundary with "…"', async () => {
      const words = 'la giunta ha approvato il nuovo piano per la mobilità sostenibile della città'.split(' ');
      const text = Array.from({ length: 60 }, (_, i) => words[i % words.length]).join(' ');
      const article = await create({ title: 'Un testo lungo', contentHtml: `<p>${text}</p>` });
      assert.ok(article.summary.endsWith('…'), article.summary);
      const cut = article.summary.slice(0, -1);
      assert.ok(cut.length > 100 && cut.length < text.length, `${cut.length} characters`);
      assert.ok(text.startsWith(cut), 'the summary is the start of the text');
      assert.equal(text[cut.length], ' ', 'cut at a word boundary');
      const short = await create({ title: 'Un testo breve', contentHtml: '<p>Breve <em>davvero</em>.</p>' });
      assert.equal(short.summary, 'Breve davvero.');
    });
  });

  describe('related articles', () => {
    it('explicit related slugs are kept', async () => {
      const target = await create({ title: 'Articolo di riferimento' });
      const article = await create({ title: 'Con correlati scelti', related: [target.slug] });
      assert.deepEqual(article.related, [target.slug]);
      assert.deepEqual(((await (await get(article.id)).json()) as Article).related, [target.slug]);
    });

    it('without them, the newest articles sharing a category, newest first', async () => {
      const oldest = await create({ title: 'Ambiente uno', categories: ['Ambiente'] });
      const middle = await create({ title: 'Ambiente due', categories: ['Ambiente'] });
      await create({ title: 'Altro tema', categories: ['Sport'] });
      const newest = await create({ title: 'Ambiente tre', categories: ['Ambiente', 'Sport'] });
      const related = ((await (await get(oldest.slug)).json()) as Article).related;
      assert.deepEqual(related, [newest.slug, middle.slug]);
    });
  });

  describe('drafts', () => {
    it('are invisible to the public but visible to the admin', async () => {
      const draft = await create({ title: 'Bozza riservata', status: 'draft', categories: ['Bozze'] });
      await expectProblem(await get(draft.id), 404);
      await expectProblem(await get(draft.slug), 404);
      const asAdmin = await get(draft.slug, true);
      assert.equal(asAdmin.status, 200);
      assert.equal(((await asAdmin.json()) as Article).status, 'draft');
      const list = (await (await service.request('/api/articles?limit=100')).json()) as { items: Article[] };
      assert.ok(!list.items.some((item) => item.id === draft.id));
      const categories = (await (await service.request('/api/categories')).json()) as { slug: string; count: number }[];
      assert.equal(categories.find((category) => category.slug === 'bozze')?.count ?? 0, 0);
    });
  });
});
