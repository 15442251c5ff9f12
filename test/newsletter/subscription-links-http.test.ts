// The links in the emails, followed over HTTP against the running service: the confirmation link
// (a page whose button confirms: opening a link changes nothing), the preference centre, and the RFC 8058 one-click unsubscribe (POST to the List-Unsubscribe URL
// as a mail provider sends it: form-encoded, no cookie, no redirect followed).
import assert from 'node:assert/strict';
import type { TestService } from '../helpers/service.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import { confirmByLink, DAY, linkIn, mailsTo, publish, rawHeaders, runNewsletter, startMailedService, subscriber, tamper, tokenOf, type MailedService } from './fixtures.js';

describe('newsletter: the links in the emails, over HTTP', () => {
  let mailed: MailedService;
  let service: TestService;
  let base: string;

  before(async () => {
    mailed = await startMailedService();
    service = mailed.service;
    base = service.ctx.config.baseUrl;
    await publish(service, 'About the city', ['City']);
  });

  after(async () => {
    await mailed.stop();
  });

  /** Path and query of an absolute link of ours, to request from the test service. */
  const local = (link: string) => {
    assert.ok(link.startsWith(`${base}/`), link);
    return link.slice(base.length);
  };

  async function subscribeAndGetLink(email: string): Promise<string> {
    const before = mailed.sink.messages.length;
    assert.equal((await service.request('/api/subscriptions', { method: 'POST', json: { email, categories: ['city'] } })).status, 202);
    await service.ctx.background.idle();
    const [mail] = mailsTo(mailed.sink, email, before);
    assert.ok(mail, `a confirmation mail to ${email}`);
    return linkIn(mail, `${base}/subscriptions/confirm?token=`);
  }

  /** Subscribes, confirms over HTTP, publishes and runs: the digest that arrives. */
  async function confirmedWithDigest(email: string): Promise<ReceivedMail> {
    const confirm = await confirmByLink(service, await subscribeAndGetLink(email));
    assert.equal(confirm.status, 200);
    await publish(service, `City news for ${email}`, ['City']);
    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [digest] = mailsTo(mailed.sink, email, before);
    assert.ok(digest, `a digest to ${email}`);
    return digest;
  }

  it('opening the confirmation link (GET or HEAD, as a mail scanner does) only shows a page with a button; its POST confirms', async () => {
    const email = 'http-confirm@example.org';
    const link = await subscribeAndGetLink(email);
    for (const method of ['GET', 'HEAD', 'GET']) {
      const res = await service.request(local(link), { method, redirect: 'manual' });
      assert.equal(res.status, 200, method);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(subscriber(service, email).status, 'pending', `${method} changes nothing`);
    }
    const page = await (await service.request(local(link))).text();
    assert.match(page, /<form method="post" action="\/subscriptions\/confirm">\s*<input type="hidden" name="token" value="[^"]+">\s*<button class="button" type="submit">Confirm my subscription<\/button>/);
    assert.ok(page.includes(email) && page.includes('City'), 'the page says which address and categories it confirms');

    const res = await confirmByLink(service, link);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<h1>Subscription confirmed<\/h1>/);
    assert.equal(subscriber(service, email).status, 'confirmed');
    assert.match(await (await service.request(local(link))).text(), /<h1>Subscription confirmed<\/h1>/, 'the link opened again says so');
  });

  it('refuses a confirmation posted from another site, and a tampered token in the form; nothing changes', async () => {
    const email = 'http-cross@example.org';
    const token = tokenOf(await subscribeAndGetLink(email));
    const form = (value: string, headers: Record<string, string>) =>
      service.request('/subscriptions/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ token: value }).toString() });
    assert.equal((await form(token, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await form(token, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await form(tamper(token), { 'sec-fetch-site': 'same-origin' })).status, 400);
    assert.equal((await service.request(`/subscriptions/confirm?token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } })).status, 400, 'the token travels in the form, not the URL');
    assert.equal(subscriber(service, email).status, 'pending');
  });

  it('a tampered confirmation link answers 400 and an expired one 410; nothing changes', async () => {
    const link = await subscribeAndGetLink('http-late@example.org');
    const token = tokenOf(link);
    const tampered = await service.request(`/subscriptions/confirm?token=${encodeURIComponent(tamper(token))}`);
    assert.equal(tampered.status, 400);
    assert.equal(subscriber(service, 'http-late@example.org').status, 'pending');
    service.clock.advance(8 * DAY);
    const expired = await service.request(local(link));
    assert.equal(expired.status, 410);
    assert.notEqual(service.ctx.store.newsletter.subscriberByEmail('http-late@example.org')?.status, 'confirmed');
  });

  it('the preference centre link from a digest opens a personal page; a tampered one is 400', async () => {
    const digest = await confirmedWithDigest('http-manage@example.org');
    const manage = linkIn(digest, `${base}/subscriptions/manage?token=`);
    const res = await service.request(local(manage));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok((await res.text()).includes('http-manage@example.org'));
    assert.equal((await service.request(`/subscriptions/manage?token=${encodeURIComponent(tamper(tokenOf(manage)))}`)).status, 400);
  });

  it('RFC 8058 one-click: POST to the List-Unsubscribe URL unsubscribes (200, no redirect, no cookie); the next run sends nothing', async () => {
    const email = 'http-oneclick@example.org';
    const digest = await confirmedWithDigest(email);
    const [header] = rawHeaders(digest, 'List-Unsubscribe');
    const url = /^<([^>]+)>$/.exec(header ?? '')?.[1];
    assert.ok(url, `List-Unsubscribe: ${header}`);

    // A GET (a link scanner, a preview) only shows the page with its button.
    const page = await service.request(local(url), { redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.equal(subscriber(service, email).status, 'confirmed', 'GET changes nothing');

    const oneClick = { method: 'POST', redirect: 'manual' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' };
    const forged = await service.request(local(url).replace(/token=([^&]+)/, (_, token: string) => `token=${encodeURIComponent(tamper(decodeURIComponent(token)))}`), oneClick);
    assert.equal(forged.status, 400);
    assert.equal(subscriber(service, email).status, 'confirmed', 'a tampered token changes nothing');

    const res = await service.request(local(url), oneClick);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('location'), null);
    assert.equal(subscriber(service, email).status, 'unsubscribed');

    await publish(service, 'City news after leaving', ['City']);
    const before = mailed.sink.attempts.length;
    await runNewsletter(service);
    assert.deepEqual(mailed.sink.attempts.slice(before).filter((attempt) => attempt.rcptTo.includes(email)), []);
  });
});
