// A category whose articles are all drafts, scheduled or deleted must not be discoverable: every
// URL and form that names it answers exactly as for a slug that never existed, until an article
// in it is published (or a scheduled one becomes due, without a restart).
import assert from 'node:assert/strict';
import { subscriberLinks } from '../../src/newsletter/subscriptions.js';
import { startPagesService, type PagesService } from '../pages/fixture.js';

const HOUR = 60 * 60 * 1000;
const NEVER = 'mai-esistita';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' };

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

describe('categories with no published article are hidden', () => {
  let service: PagesService;
  let manageToken: string;
  let due: Date;
  let draftId: string;

  before(async () => {
    service = await startPagesService();
    const draft = await service.createArticle({ title: 'Bozza segreta', status: 'draft', categories: ['Bozze riservate'] });
    draftId = draft.id;
    due = new Date(service.clock().getTime() + HOUR);
    await service.createArticle({ title: 'Annuncio di domani', publishedAt: due.toISOString(), categories: ['Annunci futuri'] });
    const removed = await service.createArticle({ title: 'Articolo ritirato', categories: ['Ritirati'] });
    assert.equal((await service.request(`/api/articles/${removed.id}`, { method: 'DELETE', admin: true })).status, 204);
    const imported = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'anna@example.org', categories: ['salute'] }] });
    assert.equal(imported.status, 200);
    const id = service.ctx.store.newsletter.subscriberByEmail('anna@example.org')!.id;
    manageToken = new URL(subscriberLinks(service.ctx, id).manageUrl).searchParams.get('token')!;
  });

  after(async () => {
    await service.stop({ removeData: true });
  });

  /** Every way a reader, a feed reader, an embedding site or a subscriber can name a category. */
  const probes: Record<string, (slug: string) => Promise<Response>> = {
    'category page': (slug) => service.page(`/categories/${slug}`),
    'category page, page 2': (slug) => service.page(`/categories/${slug}?page=2`),
    'category page as JSON': (slug) => service.request(`/categories/${slug}`),
    'RSS feed': (slug) => service.request(`/categories/${slug}/rss.xml`),
    'Atom feed': (slug) => service.request(`/categories/${slug}/atom.xml`),
    'JSON feed': (slug) => service.request(`/categories/${slug}/feed.json`),
    'JSON feed, page 2': (slug) => service.request(`/categories/${slug}/feed.json?page=2`),
    'feed as a browser asks': (slug) => service.page(`/categories/${slug}/rss.xml`),
    embed: (slug) => service.page(`/embed/${slug}`),
    'articles API': (slug) => service.request(`/api/articles?category=${slug}`),
    'subscribe form, preselected': (slug) => service.page(`/subscribe?category=${slug}`),
    'subscriptions API': (slug) => service.request('/api/subscriptions', { method: 'POST', json: { email: 'curious@example.org', categories: [slug] } }),
    'subscribe form, posted': (slug) =>
      service.page('/subscribe', { method: 'POST', headers: FORM, body: `email=curious%40example.org&categories=${slug}` }),
    'preference centre, posted': (slug) =>
      service.page('/subscriptions/manage', { method: 'POST', headers: FORM, body: `token=${encodeURIComponent(manageToken)}&categories=${slug}` }),
  };

  /** The answer with the slug itself taken out, so that two slugs' answers can be compared. */
  async function answer(name: string, slug: string): Promise<Answer> {
    const res = await probes[name]!(slug);
    const body = (await res.text()).replaceAll(slug, 'SLUG');
    return { status: res.status, type: res.headers.get('content-type'), body };
  }

  for (const [hidden, kind] of [
    ['bozze-riservate', 'only a draft'],
    ['annunci-futuri', 'only a scheduled article'],
    ['ritirati', 'only a deleted article'],
  ] as const) {
    it(`answers for a category with ${kind} exactly as for a category that never existed`, async () => {
      for (const name of Object.keys(probes)) {
        const expected = await answer(name, NEVER);
        assert.ok(expected.status >= 400 || name === 'subscribe form, preselected', `${name}: ${expected.status}`);
        assert.deepEqual(await answer(name, hidden), expected, name);
      }
      assert.equal((await service.outbox()).length, 0, 'no confirmation email names it');
    });
  }

  it('lets the admin import subscribers to a hidden category, to be ready when it is published', async () => {
    const res = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'early@example.org', categories: ['annunci-futuri'] }] });
    assert.deepEqual(await res.json(), { imported: 1, skipped: 0, errors: [] });
  });

  it('shows a scheduled article’s category everywhere once the article is due, without a restart', async () => {
    assert.equal((await service.request('/categories/annunci-futuri/rss.xml')).status, 404);
    service.clock.set(due);
    for (const name of ['category page', 'RSS feed', 'Atom feed', 'JSON feed', 'embed', 'articles API']) {
      const { status, body } = await answer(name, 'annunci-futuri');
      assert.equal(status, 200, name);
      assert.match(body, /Annuncio di domani/, name);
    }
    assert.equal((await probes['subscriptions API']!('annunci-futuri')).status, 202);
  });

  it('shows a draft’s category once the draft is published', async () => {
    assert.equal((await service.page('/categories/bozze-riservate')).status, 404);
    const published = await service.request(`/api/articles/${draftId}`, { method: 'PATCH', admin: true, json: { status: 'published', publishedAt: service.clock().toISOString() } });
    assert.equal(published.status, 200);
    assert.match(await (await service.page('/categories/bozze-riservate')).text(), /Bozza segreta/);
    assert.equal((await service.request('/categories/bozze-riservate/feed.json')).status, 200);
  });
});
