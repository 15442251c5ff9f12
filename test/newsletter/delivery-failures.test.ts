// Deliveries that do not go through, against a real SMTP server on loopback: a 4xx is deferred
// and retried after the backoff (and then sent once, with everything it missed); a 5xx counts
// towards BOUNCE_LIMIT, after which the address is `bouncing` and no run tries it again.
import assert from 'node:assert/strict';
import { BOUNCE_LIMIT } from '../../src/domain/newsletter.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { MINUTE, importSubscribers, mailsTo, publish, runNewsletter, startMailedService, subscriber, textOf, type MailedService } from './fixtures.js';

describe('newsletter: failed deliveries', () => {
  let mailed: MailedService;
  let service: TestService;

  beforeEach(async () => {
    mailed = await startMailedService();
    service = mailed.service;
    await publish(service, 'About the weather', ['Weather']);
  });

  afterEach(async () => {
    await mailed.stop();
  });

  /** Moves the clock just past the subscriber's backoff. */
  function passBackoff(email: string): void {
    const { retryAfter } = subscriber(service, email);
    assert.ok(retryAfter, `${email} has a retryAfter`);
    service.clock.set(new Date(Date.parse(retryAfter) + MINUTE));
  }

  it('4xx: deferred, the others are sent; after the backoff the subscriber gets everything once', async () => {
    await importSubscribers(service, ['sun@example.org', 'rain@example.org', 'busy@example.org'].map((email) => ({ email, categories: ['weather'] })));
    mailed.sink.respondWith((rcpt) => (rcpt.includes('busy@example.org') ? 451 : 'accept'));
    const w1 = await publish(service, 'Storm over Genoa', ['Weather']);
    const first = await runNewsletter(service);
    assert.deepEqual({ sent: first.counts.sent, deferred: first.counts.deferred, failed: first.counts.failed }, { sent: 2, deferred: 1, failed: 0 });
    assert.equal(mailsTo(mailed.sink, 'sun@example.org').length, 1);
    assert.equal(mailsTo(mailed.sink, 'rain@example.org').length, 1);
    assert.equal(mailed.sink.attemptsTo('busy@example.org').length, 1);
    assert.equal(mailsTo(mailed.sink, 'busy@example.org').length, 0);
    assert.equal(subscriber(service, 'busy@example.org').status, 'confirmed', 'a temporary failure is no bounce');

    // Within the backoff the address is left alone, even with something new.
    const w2 = await publish(service, 'Sunny weekend ahead', ['Weather']);
    await runNewsletter(service);
    assert.equal(mailed.sink.attemptsTo('busy@example.org').length, 1, 'not retried before the backoff');

    mailed.sink.respondWith(() => 'accept');
    passBackoff('busy@example.org');
    const retry = await runNewsletter(service);
    assert.equal(retry.counts.sent, 1);
    const got = mailsTo(mailed.sink, 'busy@example.org');
    assert.equal(got.length, 1);
    assert.ok(textOf(got[0]!).includes(w1.title) && textOf(got[0]!).includes(w2.title), 'the digest has the articles of both times');
    assert.equal(subscriber(service, 'busy@example.org').failures, 0);

    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'busy@example.org').length, 1, 'exactly once');
    for (const email of ['sun@example.org', 'rain@example.org']) assert.equal(mailsTo(mailed.sink, email).length, 2, `${email}: one digest per new article batch`);
  });

  it(`5xx: after BOUNCE_LIMIT (${BOUNCE_LIMIT}) runs the subscriber is bouncing and later runs do not try`, async () => {
    await importSubscribers(service, ['gone@example.org', 'here@example.org'].map((email) => ({ email, categories: ['weather'] })));
    mailed.sink.respondWith((rcpt) => (rcpt.includes('gone@example.org') ? 550 : 'accept'));
    await publish(service, 'Fog in the valley', ['Weather']);
    for (let attempt = 1; attempt <= BOUNCE_LIMIT; attempt += 1) {
      if (attempt > 1) passBackoff('gone@example.org');
      const run = await runNewsletter(service);
      assert.equal(run.counts.failed, 1, `run ${attempt} counts the failure`);
      assert.equal(mailed.sink.attemptsTo('gone@example.org').length, attempt);
      assert.equal(subscriber(service, 'gone@example.org').status, attempt < BOUNCE_LIMIT ? 'confirmed' : 'bouncing');
    }
    const list = ((await (await service.request('/api/subscribers', { admin: true })).json()) as { items: { email: string; status: string }[] }).items;
    assert.equal(list.find((entry) => entry.email === 'gone@example.org')?.status, 'bouncing');

    service.clock.advance(2 * 24 * 60 * MINUTE);
    const later = await publish(service, 'Snow at last', ['Weather']);
    const run = await runNewsletter(service);
    assert.equal(run.counts.failed, 0);
    assert.equal(mailed.sink.attemptsTo('gone@example.org').length, BOUNCE_LIMIT, 'a bouncing address is not tried again');
    const here = mailsTo(mailed.sink, 'here@example.org');
    assert.equal(here.length, 2);
    assert.ok(textOf(here[1]!).includes(later.title));
  });

  it('bounces only after BOUNCE_LIMIT permanent failures in a row: temporary ones before a 5xx do not count towards it', async () => {
    await importSubscribers(service, [{ email: 'flaky@example.org', categories: ['weather'] }]);
    const answers: (number | 'accept')[] = [451, 451, 550];
    mailed.sink.respondWith(() => answers.shift() ?? 'accept');
    const article = await publish(service, 'Hail in the hills', ['Weather']);
    await runNewsletter(service);
    for (let run = 2; run <= 3; run += 1) {
      passBackoff('flaky@example.org');
      await runNewsletter(service);
    }
    assert.equal(mailed.sink.attemptsTo('flaky@example.org').length, 3);
    assert.equal(subscriber(service, 'flaky@example.org').status, 'confirmed', 'one 5xx after two 4xx is not BOUNCE_LIMIT 5xx in a row');

    passBackoff('flaky@example.org');
    await runNewsletter(service);
    const got = mailsTo(mailed.sink, 'flaky@example.org');
    assert.equal(got.length, 1);
    assert.ok(textOf(got[0]!).includes(article.title));
  });

  it('the retry tick sends only the deferred subscriber, once its backoff is over, and records nothing when there is nothing to retry', async () => {
    await importSubscribers(service, ['calm@example.org', 'late@example.org'].map((email) => ({ email, categories: ['weather'] })));
    mailed.sink.respondWith((rcpt) => (rcpt.includes('late@example.org') ? 421 : 'accept'));
    const article = await publish(service, 'Hail in the plains', ['Weather']);
    await runNewsletter(service);
    const runsBefore = service.ctx.store.newsletter.runs().length;

    assert.equal(await service.ctx.newsletter.retryDeferred(), undefined, 'within the backoff there is nothing to retry');
    assert.equal(service.ctx.store.newsletter.runs().length, runsBefore, 'and no empty run is recorded');

    mailed.sink.respondWith(() => 'accept');
    passBackoff('late@example.org');
    await publish(service, 'Clear skies', ['Weather']);
    const retry = await service.ctx.newsletter.retryDeferred();
    assert.equal(retry?.trigger, 'retry');
    assert.equal(retry?.counts.sent, 1, 'only the deferred subscriber is sent to');
    assert.equal(mailsTo(mailed.sink, 'late@example.org').length, 1);
    assert.ok(textOf(mailsTo(mailed.sink, 'late@example.org')[0]!).includes(article.title));
    assert.equal(mailsTo(mailed.sink, 'calm@example.org').length, 1, 'the others wait for the next scheduled run');
  });
});

describe('newsletter: a failure of the sending side is no bounce', () => {
  const services: TestService[] = [];
  let sink: SmtpSink;

  before(async () => {
    sink = await startSmtpSink({ auth: { user: 'mailer', pass: 'right-password' } });
  });

  after(async () => {
    for (const service of services) await service.stop({ removeData: true }).catch(() => undefined);
    await sink.close();
  });

  const withPassword = (password: string) => sink.url.replace('smtp://', `smtp://mailer:${password}@`);

  it('a refused SMTP login (535) for BOUNCE_LIMIT runs bounces nobody: with the password fixed, everybody gets the digest', async () => {
    const wrong = await startTestService({ SMTP_URL: withPassword('wrong-password') });
    services.push(wrong);
    await publish(wrong, 'About the harbour', ['Harbour']);
    const readers = ['r1@example.org', 'r2@example.org', 'r3@example.org'];
    await importSubscribers(wrong, readers.map((email) => ({ email, categories: ['harbour'] })));
    const article = await publish(wrong, 'Ferries back on schedule', ['Harbour']);
    for (let attempt = 1; attempt <= BOUNCE_LIMIT + 1; attempt += 1) {
      const run = await runNewsletter(wrong);
      assert.equal(run.counts.sent, 0);
      wrong.clock.advance(2 * 24 * 60 * MINUTE); // past any backoff
    }
    assert.equal(sink.messages.length, 0);
    for (const email of readers) assert.equal(subscriber(wrong, email).status, 'confirmed', `${email} is not bouncing: the login failed, not the address`);

    // The operator fixes SMTP_URL and restarts on the same DATA_DIR.
    await wrong.stop();
    services.splice(services.indexOf(wrong), 1);
    const fixed = await startTestService({ SMTP_URL: withPassword('right-password'), DATA_DIR: wrong.dataDir }, { clock: wrong.clock });
    services.push(fixed);
    fixed.clock.advance(2 * 24 * 60 * MINUTE);
    await runNewsletter(fixed);
    for (const email of readers) {
      const got = sink.to(email);
      assert.equal(got.length, 1, `${email} gets the digest`);
      assert.ok(textOf(got[0]!).includes(article.title));
    }
  });
});
