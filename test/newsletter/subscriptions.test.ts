// Subscribing through the API with double opt-in, against a real SMTP server on loopback: the
// confirmation mail and its link, strict addresses, expiry, signed links that refuse tampering,
// the preference centre and unsubscribing (called as functions; the HTTP pages have their own file).
import assert from 'node:assert/strict';
import { confirmSubscription, readPreferences, unsubscribe, updatePreferences } from '../../src/newsletter/subscriptions.js';
import { createToken } from '../../src/newsletter/tokens.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { DAY, expectStatus, linkIn, mailsTo, publish, rawHeaders, runNewsletter, startMailedService, subscriber, tamper, textOf, tokenOf, type MailedService } from './fixtures.js';

describe('newsletter: subscribing with double opt-in', () => {
  let mailed: MailedService;
  let service: TestService;

  before(async () => {
    mailed = await startMailedService();
    service = mailed.service;
    // Categories exist once an article is filed under them.
    await publish(service, 'Parliament opens', ['Politics']);
    await publish(service, 'Clinics open late', ['Health']);
  });

  after(async () => {
    await mailed.stop();
  });

  /** Subscribes through the API; returns once the confirmation email (sent in the background) is out. */
  async function subscribeRequest(json: unknown): Promise<Response> {
    const res = await service.request('/api/subscriptions', { method: 'POST', json });
    await service.ctx.background.idle();
    return res;
  }

  /** Subscribes through the API and returns the confirmation link from the mail that arrived. */
  async function subscribeAndGetLink(email: string, categories: string[]): Promise<string> {
    const before = mailed.sink.messages.length;
    const res = await subscribeRequest({ email, categories });
    assert.equal(res.status, 202);
    const mails = mailsTo(mailed.sink, email, before);
    assert.equal(mails.length, 1, `one confirmation mail to ${email}`);
    return linkIn(mails[0]!, `${service.ctx.config.baseUrl}/subscriptions/confirm?token=`);
  }

  it('answers 202 with the same body for an unknown and a known address', async () => {
    const first = await subscribeRequest({ email: 'known@example.org', categories: ['politics'] });
    assert.equal(first.status, 202);
    const unknownBody = await first.text();
    await confirmSubscription(service.ctx, tokenOf(linkIn(mailsTo(mailed.sink, 'known@example.org').at(-1)!, `${service.url}/subscriptions/confirm`)));
    assert.equal(subscriber(service, 'known@example.org').status, 'confirmed');

    const before = mailed.sink.messages.length;
    const again = await subscribeRequest({ email: 'Known@Example.org', categories: ['politics'] });
    assert.equal(again.status, 202);
    assert.equal(await again.text(), unknownBody);
    const other = await subscribeRequest({ email: 'stranger@example.org', categories: ['politics'] });
    assert.equal(await other.text(), unknownBody);
    assert.equal(mailsTo(mailed.sink, 'known@example.org', before).length, 0, 'a confirmed subscriber gets no new confirmation mail');
    assert.equal(subscriber(service, 'known@example.org').status, 'confirmed');
  });

  it('the same address asked twice at once: one subscriber, one confirmation mail, no failed task', async () => {
    const before = mailed.sink.messages.length;
    const failures: string[] = [];
    const log = service.ctx.log;
    const original = log.error.bind(log);
    log.error = ((...args: Parameters<typeof log.error>) => {
      failures.push(JSON.stringify(args[0]));
      return original(...args);
    }) as typeof log.error;
    try {
      const answers = await Promise.all([1, 2].map(() => service.request('/api/subscriptions', { method: 'POST', json: { email: 'twice@example.org' } })));
      await service.ctx.background.idle();
      assert.deepEqual(answers.map((res) => res.status), [202, 202]);
    } finally {
      log.error = original;
    }
    assert.deepEqual(failures, []);
    assert.equal(mailsTo(mailed.sink, 'twice@example.org', before).length, 1);
  });

  it('accepts one bare address only: line breaks, lists and display names are 422 naming `email`, and nothing is sent', async () => {
    const before = mailed.sink.messages.length;
    for (const email of ['a@b.org\r\nBcc: x@evil.org', 'a@b.org, c@d.org', '"Name" <a@b.org>', 'a@b.org\nBcc: x@evil.org']) {
      const res = await subscribeRequest({ email, categories: ['politics'] });
      assert.equal(res.status, 422, `${JSON.stringify(email)} is refused`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = (await res.json()) as { errors?: { field: string }[] };
      assert.deepEqual(problem.errors?.map((error) => error.field), ['email']);
    }
    assert.equal(mailed.sink.messages.length, before, 'no mail was sent');
    assert.equal(mailed.sink.attempts.length, before);
    assert.equal(service.ctx.store.newsletter.subscriberByEmail('a@b.org'), undefined);
  });

  it('mails a confirmation link that confirms the subscription', async () => {
    const link = await subscribeAndGetLink('reader@example.org', ['health']);
    const mail = mailsTo(mailed.sink, 'reader@example.org').at(-1)!;
    assert.deepEqual(mail.rcptTo, ['reader@example.org']);
    assert.ok(mail.parsed.subject && !/[\r\n]/.test(mail.parsed.subject));
    assert.equal(rawHeaders(mail, 'Subject').length, 1);
    assert.equal(subscriber(service, 'reader@example.org').status, 'pending');

    const view = await confirmSubscription(service.ctx, tokenOf(link));
    const { manageUrl, ...rest } = view;
    assert.deepEqual(rest, { email: 'reader@example.org', categories: ['health'], allCategories: false, status: 'confirmed' });
    assert.ok(manageUrl.startsWith(`${service.ctx.config.baseUrl}/subscriptions/manage?token=`));
    assert.equal(subscriber(service, 'reader@example.org').status, 'confirmed');
  });

  it('sends no digest before confirming, and none of the articles published before confirming', async () => {
    const link = await subscribeAndGetLink('later@example.org', ['health']);
    const early = await publish(service, 'Flu season starts', ['Health']);
    let before = mailed.sink.messages.length;
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'later@example.org', before).length, 0, 'pending: no digest');

    service.clock.advance(60_000);
    await confirmSubscription(service.ctx, tokenOf(link));
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'later@example.org', before).length, 0, 'nothing new since confirming');

    const fresh = await publish(service, 'Vaccines arrive', ['Health']);
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    const digests = mailsTo(mailed.sink, 'later@example.org', before);
    assert.equal(digests.length, 1);
    assert.ok(textOf(digests[0]!).includes(fresh.title));
    assert.ok(!textOf(digests[0]!).includes(early.title), 'an article from before confirming is not sent');
  });

  it('forgets a pending subscription after 7 days: its link answers 410 and no run mails it', async () => {
    const link = await subscribeAndGetLink('slowpoke@example.org', ['politics']);
    service.clock.advance(8 * DAY);
    await publish(service, 'Budget approved', ['Politics']);
    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'slowpoke@example.org', before).length, 0);
    await expectStatus(confirmSubscription(service.ctx, tokenOf(link)), 410);
    assert.equal(service.ctx.store.newsletter.subscriberByEmail('slowpoke@example.org'), undefined, 'the pending address is forgotten');
    const list = ((await (await service.request('/api/subscribers', { admin: true })).json()) as { items: { email: string }[] }).items;
    assert.ok(!list.some((entry) => entry.email === 'slowpoke@example.org'));
  });

  it('refuses tampered and foreign tokens with 400, and nothing changes', async () => {
    const link = await subscribeAndGetLink('careful@example.org', ['politics']);
    const token = tokenOf(link);
    const id = subscriber(service, 'careful@example.org').id;
    const foreign = createToken('another-secret-0123456789abcdef', id, 'confirm', new Date(service.clock().getTime() + DAY));
    for (const bad of [tamper(token), foreign, `${token}x`, token.replace('.', '.x'), 'not-a-token', '']) {
      await expectStatus(confirmSubscription(service.ctx, bad), 400);
    }
    await expectStatus(unsubscribe(service.ctx, token), 400); // a confirmation token is not a manage token
    assert.equal(subscriber(service, 'careful@example.org').status, 'pending');

    await confirmSubscription(service.ctx, token);
    const manage = createToken(service.ctx.config.secret, id, 'manage');
    const foreignManage = createToken('another-secret-0123456789abcdef', id, 'manage');
    for (const bad of [tamper(manage), foreignManage]) {
      await expectStatus(unsubscribe(service.ctx, bad), 400);
      await expectStatus(updatePreferences(service.ctx, bad, ['health']), 400);
      assert.throws(() => readPreferences(service.ctx, bad), (err: { status?: number }) => err.status === 400);
    }
    const after = subscriber(service, 'careful@example.org');
    assert.equal(after.status, 'confirmed');
    assert.deepEqual(after.categories, ['politics']);
  });

  it('the preference centre link from a digest reads and changes the categories, and the next digest follows', async () => {
    const link = await subscribeAndGetLink('chooser@example.org', ['health']);
    await confirmSubscription(service.ctx, tokenOf(link));
    await publish(service, 'New hospital wing', ['Health']);
    let before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [digest] = mailsTo(mailed.sink, 'chooser@example.org', before);
    assert.ok(digest, 'a digest arrived');
    const manageToken = tokenOf(linkIn(digest, `${service.ctx.config.baseUrl}/subscriptions/manage?token=`));

    const { manageUrl: _manageUrl, ...preferences } = readPreferences(service.ctx, manageToken);
    assert.deepEqual(preferences, { email: 'chooser@example.org', categories: ['health'], allCategories: false, status: 'confirmed' });
    await expectStatus(updatePreferences(service.ctx, manageToken, ['no-such-category']), 422);
    await updatePreferences(service.ctx, manageToken, ['politics']);
    const politics = await publish(service, 'Election called', ['Politics']);
    const health = await publish(service, 'Hospital hires nurses', ['Health']);
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    const next = mailsTo(mailed.sink, 'chooser@example.org', before);
    assert.equal(next.length, 1);
    assert.ok(textOf(next[0]!).includes(politics.title));
    assert.ok(!textOf(next[0]!).includes(health.title));
  });

  it('unsubscribing with the token of the List-Unsubscribe link stops the digests', async () => {
    const link = await subscribeAndGetLink('leaver@example.org', ['politics']);
    await confirmSubscription(service.ctx, tokenOf(link));
    await publish(service, 'Senate votes', ['Politics']);
    let before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [digest] = mailsTo(mailed.sink, 'leaver@example.org', before);
    assert.ok(digest);
    const listUnsubscribe = rawHeaders(digest, 'List-Unsubscribe')[0]!;
    await unsubscribe(service.ctx, tokenOf(listUnsubscribe.slice(1, -1)));
    assert.equal(subscriber(service, 'leaver@example.org').status, 'unsubscribed');

    await publish(service, 'Senate votes again', ['Politics']);
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'leaver@example.org', before).length, 0);
  });
});

describe('newsletter: subscribing is rate-limited', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService(); // mail goes to the .eml outbox: only the limit matters here
  });

  after(async () => {
    await service.stop({ removeData: true });
  });

  it('answers 429 problem+json after SUBSCRIBE_LIMIT requests from one client', async () => {
    const { SUBSCRIBE_LIMIT } = await import('../../src/http/rate-limit.js');
    for (let i = 0; i < SUBSCRIBE_LIMIT; i += 1) {
      const res = await service.request('/api/subscriptions', { method: 'POST', json: { email: `flood${i}@example.org` } });
      assert.equal(res.status, 202, `request ${i + 1} is within the limit`);
    }
    const res = await service.request('/api/subscriptions', { method: 'POST', json: { email: 'one-too-many@example.org' } });
    assert.equal(res.status, 429);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal(service.ctx.store.newsletter.subscriberByEmail('one-too-many@example.org'), undefined);
  });
});
