// The subscription pages over real HTTP: the form posts and redirects, a bad address comes back
// with its error and what was typed, cross-site posts are refused, the one-click unsubscribe
// POST works from anywhere without a cookie, and the form is rate-limited.
import assert from 'node:assert/strict';
import { subscriberLinks } from '../../src/newsletter/subscriptions.js';
import { SUBSCRIBE_LIMIT } from '../../src/http/rate-limit.js';
import { startPagesService, type PagesService } from './fixture.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('subscription pages', () => {
  let service: PagesService;

  beforeEach(async () => {
    service = await startPagesService();
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
  });

  /** Posts a form as a page of this site would (Origin and Sec-Fetch-Site of the site). */
  const post = (path: string, form: string, headers: Record<string, string> = { origin: service.url, 'sec-fetch-site': 'same-origin' }) =>
    service.page(path, { method: 'POST', body: form, headers: { ...FORM, ...headers } });

  const subscriber = (email: string) => service.ctx.store.newsletter.subscriberByEmail(email);

  async function confirmedSubscriber(email: string, categories: string[]): Promise<{ manageUrl: string; unsubscribeUrl: string }> {
    const res = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email, categories }] });
    assert.equal(res.status, 200);
    return subscriberLinks(service.ctx, subscriber(email)!.id);
  }

  it('subscribes from the form and redirects to a page that says what happens next', async () => {
    const res = await post('/subscribe', 'email=lucia%40example.org&categories=salute&categories=cultura');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/subscribe/sent');
    await service.ctx.background.idle();
    assert.deepEqual(subscriber('lucia@example.org')?.categories, ['salute', 'cultura']);
    assert.equal((await service.outbox()).length, 1, 'the confirmation mail is sent');
    const next = await (await service.page('/subscribe/sent')).text();
    assert.match(next, /Controlla la tua casella di posta/);
    assert.match(next, /Il link vale 7 giorni/);
  });

  it('shows a bad address again with its error next to the field, and what was typed', async () => {
    const res = await post('/subscribe', 'email=lucia%40%22%3Cb%3E&categories=salute');
    assert.equal(res.status, 422);
    const page = await res.text();
    assert.match(page, /<p class="field-error" id="email-error"><span class="visually-hidden">Errore:<\/span> Inserisci un indirizzo email valido/);
    assert.match(page, /value="lucia@&quot;&lt;b&gt;"/);
    assert.match(page, /aria-invalid="true" autofocus/);
    assert.match(page, /<input type="checkbox" id="category-salute" name="categories" value="salute" checked>/);
    assert.match(page, /<a href="#email">Inserisci un indirizzo email valido/, 'the error summary links to the field');
    assert.equal((await service.outbox()).length, 0);
  });

  it('names an unknown category next to the categories', async () => {
    const page = await (await post('/subscribe', 'email=lucia%40example.org&categories=astrologia')).text();
    assert.match(page, /id="categories-error"><span class="visually-hidden">Errore:<\/span> Scegli tra le categorie elencate/);
  });

  it('refuses a form posted from another site, whatever header tells it', async () => {
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'http://evil.example' }, { origin: 'null' }] as Record<string, string>[]) {
      const res = await post('/subscribe', 'email=victim%40example.org', headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(await res.text(), /<h1>Richiesta non consentita<\/h1>/);
    }
    const { manageUrl } = await confirmedSubscriber('anna@example.org', ['salute']);
    const token = new URL(manageUrl).searchParams.get('token')!;
    const manage = await post('/subscriptions/manage', `token=${encodeURIComponent(token)}&categories=cultura`, { origin: 'http://evil.example' });
    assert.equal(manage.status, 403);
    assert.equal(subscriber('victim@example.org'), undefined);
    assert.deepEqual(subscriber('anna@example.org')?.categories, ['salute']);
  });

  it('accepts a form from a client that sends no origin headers (not a browser)', async () => {
    const res = await post('/subscribe', 'email=curl%40example.org', {});
    assert.equal(res.status, 303);
  });

  it('saves preferences from the preference centre and says so', async () => {
    const { manageUrl } = await confirmedSubscriber('anna@example.org', ['salute']);
    const token = new URL(manageUrl).searchParams.get('token')!;
    const page = await (await service.page(new URL(manageUrl).pathname + new URL(manageUrl).search)).text();
    assert.match(page, /<input type="checkbox" id="category-salute" name="categories" value="salute" checked>/);
    const res = await post('/subscriptions/manage', `token=${encodeURIComponent(token)}&categories=cultura&categories=innovazione`);
    assert.equal(res.status, 303);
    assert.deepEqual(subscriber('anna@example.org')?.categories, ['cultura', 'innovazione']);
    const saved = await (await service.page(res.headers.get('location')!)).text();
    assert.match(saved, /<p class="notice" role="status">Preferenze salvate.<\/p>/);
    // No box ticked: every category, new ones included, as on the subscribe form.
    const none = await post('/subscriptions/manage', `token=${encodeURIComponent(token)}`);
    assert.equal(none.status, 303);
    assert.deepEqual(subscriber('anna@example.org')?.categories, []);
    const all = await (await service.page(none.headers.get('location')!)).text();
    assert.doesNotMatch(all, /name="categories" value="[a-z-]+" checked/);
    assert.match(all, /Se non ne scegli nessuna, ricevi tutte le categorie, anche quelle nuove/);
  });

  it('asks before unsubscribing on GET, and unsubscribes at once on the one-click POST from anywhere', async () => {
    const { unsubscribeUrl } = await confirmedSubscriber('anna@example.org', ['salute']);
    const path = new URL(unsubscribeUrl).pathname + new URL(unsubscribeUrl).search;
    const ask = await service.page(path);
    assert.equal(ask.status, 200);
    assert.match(await ask.text(), /<form method="post" action="\/subscriptions\/unsubscribe\?token=[^"]+">\s*<button class="button" type="submit">Annulla l’iscrizione<\/button>/);
    assert.equal(subscriber('anna@example.org')?.status, 'confirmed', 'GET changes nothing');
    // As a mail provider sends it (RFC 8058): from its own server, no cookie, no page of ours.
    const res = await service.request(path, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { ...FORM, origin: 'https://mail.example.net' }, redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('location'), null);
    assert.equal(subscriber('anna@example.org')?.status, 'unsubscribed');
    assert.match(await res.text(), /Iscrizione annullata/);
  });

  it('answers a tampered link with a readable 400 page', async () => {
    const res = await service.page('/subscriptions/manage?token=not-a-token');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<h1>Link non valido<\/h1>/);
    assert.equal((await service.page('/subscriptions/unsubscribe?token=x.y', { method: 'POST' })).status, 400);
  });

  it('keeps pages with personal links out of caches, search engines and Referer headers', async () => {
    const { manageUrl } = await confirmedSubscriber('anna@example.org', ['salute']);
    const res = await service.page(new URL(manageUrl).pathname + new URL(manageUrl).search);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.match(await res.text(), /<meta name="robots" content="noindex">/);
  });

  it(`refuses subscriptions past SUBSCRIBE_LIMIT (${SUBSCRIBE_LIMIT}) from one address within the window, with a readable 429`, async () => {
    for (let n = 0; n < SUBSCRIBE_LIMIT; n += 1) {
      const res = await post('/subscribe', `email=reader${n}%40example.org`);
      assert.equal(res.status, 303, `request ${n + 1}`);
    }
    const refused = await post('/subscribe', 'email=one-more%40example.org');
    assert.equal(refused.status, 429);
    assert.match(await refused.text(), /<h1>Troppe richieste<\/h1>/);
    assert.equal(subscriber('one-more@example.org'), undefined);
  });
});
