// What a run sends, read back from a real SMTP server on loopback: each subscriber's categories,
// grouped under headings, an article once, a proper list mail (text part, one-click unsubscribe,
// preference link, no tracking pixel), nothing twice, nothing when nothing is new, MJML compiles
// per new heading or article (not per distinct digest), no overlapping runs, and no way to inject
// headers or recipients.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestService } from '../helpers/service.js';
import { htmlOf, importSubscribers, mailsTo, publish, rawHeaders, runNewsletter, startMailedService, subscriber, textOf, type ArticleView, type MailedService } from './fixtures.js';

describe('newsletter: the digest', () => {
  let mailed: MailedService;
  let service: TestService;
  let base: string;

  before(async () => {
    mailed = await startMailedService();
    service = mailed.service;
    base = service.ctx.config.baseUrl;
  });

  after(async () => {
    await mailed.stop();
  });

  /** Creates categories by filing an article under each, before any subscriber of the test exists. */
  async function categories(...names: string[]): Promise<void> {
    for (const name of names) await publish(service, `About ${name}`, [name]);
  }

  const count = (text: string, part: string) => text.split(part).length - 1;

  it('gives each subscriber the new articles of their categories, grouped under headings, an article in two categories once', async () => {
    await categories('Politics', 'Health', 'Culture');
    await importSubscribers(service, [
      { email: 'pol@example.org', categories: ['politics'] },
      { email: 'hea@example.org', categories: ['health'] },
      { email: 'both@example.org', categories: ['politics', 'health'] },
    ]);
    const p1 = await publish(service, 'Parliament passes the budget', ['Politics']);
    const h1 = await publish(service, 'Clinics extend opening hours', ['Health']);
    const ph = await publish(service, 'Health reform debated in parliament', ['Politics', 'Health']);
    const c1 = await publish(service, 'Museum reopens', ['Culture']);
    const before = mailed.sink.messages.length;
    const run = await runNewsletter(service);
    assert.equal(run.counts.sent, 3);

    const only = (email: string) => {
      const mails = mailsTo(mailed.sink, email, before);
      assert.equal(mails.length, 1, `one digest to ${email}`);
      return mails[0]!;
    };
    const has = (email: string, expected: ArticleView[], absent: ArticleView[]) => {
      const text = textOf(only(email));
      for (const article of expected) assert.ok(text.includes(article.title), `${email} gets "${article.title}"`);
      for (const article of absent) assert.ok(!text.includes(article.title), `${email} does not get "${article.title}"`);
    };
    has('pol@example.org', [p1, ph], [h1, c1]);
    has('hea@example.org', [h1, ph], [p1, c1]);
    has('both@example.org', [p1, h1, ph], [c1]);

    const both = only('both@example.org');
    const text = textOf(both);
    assert.equal(count(text, `* ${ph.title}`), 1, 'the article in both categories is listed once');
    assert.equal(count(htmlOf(both), `href="${ph.url}"`), count(htmlOf(both), `href="${p1.url}"`), 'and linked as often as any other');
    // Under the subscriber's first category that has it: POLITICS (newest first), then HEALTH.
    const at = (part: string) => {
      assert.ok(text.includes(part), `the text has ${part}`);
      return text.indexOf(part);
    };
    assert.ok(at('POLITICS') < at(`* ${ph.title}`) && at(`* ${ph.title}`) < at(`* ${p1.title}`) && at(`* ${p1.title}`) < at('HEALTH') && at('HEALTH') < at(`* ${h1.title}`));
    assert.ok(htmlOf(both).includes('>Politics</a>') && htmlOf(both).includes('>Health</a>'), 'the HTML has the category headings');
  });

  it('is a proper list mail: text part, one List-Unsubscribe, one-click, preference link, no tracking pixel, a subject that says what is inside', async () => {
    await categories('Science');
    await importSubscribers(service, [{ email: 'sci@example.org', categories: ['science'] }]);
    const s1 = await publish(service, 'Comet seen from the Alps', ['Science'], { imageUrl: 'https://images.example.org/comet.jpg' });
    const s2 = await publish(service, 'New telescope in Sardinia', ['Science']);
    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [mail] = mailsTo(mailed.sink, 'sci@example.org', before);
    assert.ok(mail, 'a digest arrived');

    const text = textOf(mail);
    assert.ok(text.includes(s1.title) && text.includes(s2.title) && text.includes(s1.url));
    const html = htmlOf(mail);

    const unsubscribe = rawHeaders(mail, 'List-Unsubscribe');
    assert.equal(unsubscribe.length, 1, 'exactly one List-Unsubscribe header');
    const match = /^<([^<>\s]+)>$/.exec(unsubscribe[0]!);
    assert.ok(match, `List-Unsubscribe is one <URL>: ${unsubscribe[0]}`);
    const unsubscribeUrl = new URL(match[1]!);
    assert.equal(unsubscribeUrl.origin + unsubscribeUrl.pathname, `${base}/subscriptions/unsubscribe`);
    assert.ok(unsubscribeUrl.searchParams.get('token'));
    assert.deepEqual(rawHeaders(mail, 'List-Unsubscribe-Post'), ['List-Unsubscribe=One-Click']);

    assert.ok(text.includes(`${base}/subscriptions/manage?token=`), 'the text part links the preference centre');
    assert.ok(html.includes(`href="${base}/subscriptions/manage?token=`), 'the HTML links the preference centre');

    const images = html.match(/<img\b[^>]*>/gi) ?? [];
    assert.ok(images.some((img) => img.includes('https://images.example.org/comet.jpg')), 'the article image is there');
    for (const img of images) {
      assert.ok(!/\b(width|height)\s*=\s*["']?1(px)?["'\s>]/i.test(img) && !/(width|height)\s*:\s*1px/i.test(img), `no 1x1 image: ${img}`);
      const src = /\bsrc\s*=\s*["']([^"']*)/i.exec(img)?.[1] ?? '';
      assert.ok(!src.startsWith(base) && !src.includes(new URL(base).host), `no image from our host: ${img}`);
    }

    const subject = mail.parsed.subject ?? '';
    assert.ok([s1.title, s2.title].some((title) => subject.includes(title)), `the subject names an article: ${subject}`);
    assert.ok(!/[\r\n]/.test(subject));
    assert.equal(mail.parsed.from?.value[0]?.address, 'newsletter@localhost');
    assert.match(mail.parsed.messageId ?? '', /^<[^<>@\s]+@[^<>@\s]+>$/);
  });

  it('sends nothing twice across two runs, and nothing when nothing is new', async () => {
    await categories('Sport');
    await importSubscribers(service, [
      { email: 'fan1@example.org', categories: ['sport'] },
      { email: 'fan2@example.org', categories: ['sport'] },
    ]);
    const first = await publish(service, 'Derby ends in a draw', ['Sport']);
    let before = mailed.sink.messages.length;
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'fan1@example.org', before).length, 1);
    assert.equal(mailsTo(mailed.sink, 'fan2@example.org', before).length, 1);

    before = mailed.sink.messages.length;
    const quiet = await runNewsletter(service);
    assert.equal(mailed.sink.attempts.length, before, 'nothing new: no mail at all');
    assert.equal(quiet.counts.sent, 0);
    assert.ok(quiet.counts.skipped >= 2);

    const second = await publish(service, 'Cup final tonight', ['Sport']);
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    for (const fan of ['fan1@example.org', 'fan2@example.org']) {
      const mails = mailsTo(mailed.sink, fan, before);
      assert.equal(mails.length, 1);
      assert.ok(textOf(mails[0]!).includes(second.title));
      assert.ok(!textOf(mails[0]!).includes(first.title), 'what was sent is not sent again');
    }
  });

  it('sends an article drafted before a digest and published after it in the next digest', async () => {
    await categories('Opinion');
    await importSubscribers(service, [{ email: 'columnist-fan@example.org', categories: ['opinion'] }]);
    const draftRes = await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'A column still in draft', categories: ['Opinion'], contentHtml: '<p>Later.</p>', status: 'draft' } });
    assert.equal(draftRes.status, 201);
    const draft = (await draftRes.json()) as ArticleView;
    const first = await publish(service, 'A column out today', ['Opinion']);
    let before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [digest] = mailsTo(mailed.sink, 'columnist-fan@example.org', before);
    assert.ok(digest && textOf(digest).includes(first.title) && !textOf(digest).includes(draft.title));

    service.clock.advance(60 * 60_000);
    const published = await service.request(`/api/articles/${draft.id}`, { method: 'PATCH', admin: true, json: { status: 'published' } });
    assert.equal(published.status, 200);
    before = mailed.sink.messages.length;
    await runNewsletter(service);
    const next = mailsTo(mailed.sink, 'columnist-fan@example.org', before);
    assert.equal(next.length, 1, 'the article became public after the last digest: it is new to the subscriber');
    assert.ok(textOf(next[0]!).includes(draft.title));
  });

  it('compiles MJML once per distinct digest, not once per subscriber', async () => {
    await categories('Travel');
    const readers = Array.from({ length: 8 }, (_, i) => ({ email: `traveller${i}@example.org`, categories: ['travel'] }));
    await importSubscribers(service, readers);
    await publish(service, 'Night trains return', ['Travel']);
    const compiles = service.ctx.emails.compiles;
    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    for (const reader of readers) assert.equal(mailsTo(mailed.sink, reader.email, before).length, 1);
    assert.equal(service.ctx.emails.compiles - compiles, 1);
  });

  it('compiles each heading and article once, not each mix of categories: 15 mixes of 4 categories, at most 4 compiles', async () => {
    const names = ['Opera', 'Jazz', 'Folk', 'Blues'];
    await categories(...names);
    const mixes = Array.from({ length: 15 }, (_, i) => names.filter((_name, bit) => (i + 1) & (1 << bit)));
    const readers = mixes.map((mix, i) => ({ email: `mix${i + 1}@example.org`, categories: mix.map((name) => name.toLowerCase()) }));
    await importSubscribers(service, readers);
    for (const name of names) await publish(service, `New in ${name}`, [name]);
    const compiles = service.ctx.emails.compiles;
    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    mixes.forEach((mix, i) => {
      const [mail] = mailsTo(mailed.sink, readers[i]!.email, before);
      const text = textOf(mail!);
      for (const name of names) assert.equal(text.includes(`New in ${name}`), mix.includes(name), `${readers[i]!.email}: ${name}`);
    });
    // Each compile brings at least one article no digest before it had.
    assert.ok(service.ctx.emails.compiles - compiles <= names.length, `${service.ctx.emails.compiles - compiles} compiles`);
  });

  it('never runs twice at once: the second run gets a 409, each subscriber one mail', async () => {
    await categories('Music');
    const fans = ['m1@example.org', 'm2@example.org', 'm3@example.org'];
    await importSubscribers(service, fans.map((email) => ({ email, categories: ['music'] })));
    await publish(service, 'Opera season opens', ['Music']);
    service.clock.advance(60_000);
    const before = mailed.sink.messages.length;
    const results = await Promise.allSettled([service.ctx.newsletter.run('manual'), service.ctx.newsletter.run('manual')]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const refused = results.find((result) => result.status === 'rejected');
    assert.equal((refused?.reason as { status?: number })?.status, 409);
    for (const fan of fans) assert.equal(mailsTo(mailed.sink, fan, before).length, 1);
  });

  it('lets no title or name add a header or a recipient', async () => {
    await categories('Economy');
    await importSubscribers(service, [{ email: 'victim@example.org', name: 'Mallory\r\nBcc: evil@example.org', categories: ['economy'] }]);
    // A record that bypassed the import's cleaning (an old file, a bug elsewhere): the mail layer still holds.
    const now = service.clock().toISOString();
    await service.ctx.store.newsletter.saveSubscribers([
      { id: randomUUID(), email: 'victim2@example.org', name: 'Eve\r\nBcc: evil2@example.org\r\nX-Injected: yes', categories: ['economy'], status: 'confirmed', source: 'import', createdAt: now, confirmedAt: now, watermark: now, failures: 0 },
    ]);
    assert.ok(!/[\r\n]/.test(subscriber(service, 'victim@example.org').name ?? ''), 'the imported name is one line');
    const article = await publish(service, 'Rates rise\r\nBcc: evil@example.org\r\nX-Injected: yes', ['Economy']);
    const before = mailed.sink.messages.length;
    await runNewsletter(service);

    for (const victim of ['victim@example.org', 'victim2@example.org']) {
      const mails = mailsTo(mailed.sink, victim, before);
      assert.equal(mails.length, 1, `one digest to ${victim}`);
      const mail = mails[0]!;
      assert.deepEqual(mail.rcptTo, [victim], 'the envelope has exactly the subscriber');
      assert.equal(mail.parsed.headers.has('bcc'), false);
      assert.deepEqual(rawHeaders(mail, 'Bcc'), []);
      assert.deepEqual(rawHeaders(mail, 'X-Injected'), []);
      assert.equal(rawHeaders(mail, 'Subject').length, 1);
      assert.ok(!/[\r\n]/.test(mail.parsed.subject ?? ''), 'the subject is one line');
      assert.ok((mail.parsed.subject ?? '').includes('Rates rise'));
      const to = Array.isArray(mail.parsed.to) ? mail.parsed.to : [mail.parsed.to];
      assert.deepEqual(to.flatMap((field) => field?.value.map((address) => address.address) ?? []), [victim]);
    }
    assert.ok(!article.title.includes('\n'));
    assert.deepEqual(mailed.sink.attemptsTo('evil@example.org'), []);
    assert.deepEqual(mailed.sink.attemptsTo('evil2@example.org'), []);
    assert.ok(mailed.sink.messages.slice(before).every((mail) => mail.rcptTo.length === 1));
  });
});
