// Text that came from content reaches the reader exactly as the editor wrote it: never taken for
// one of the template's slots (a title "%%MANAGE_URL%%" is not a personal link), and never
// decoded on the way into the text part (`AT&amp;T` stays `AT&amp;T`).
import assert from 'node:assert/strict';
import type { TestService } from '../helpers/service.js';
import { htmlOf, importSubscribers, linkIn, mailsTo, publish, runNewsletter, startMailedService, textOf, type MailedService } from './fixtures.js';

describe('newsletter: content in emails is shown as written', () => {
  let mailed: MailedService;
  let service: TestService;

  before(async () => {
    mailed = await startMailedService();
    service = mailed.service;
  });

  after(async () => {
    await mailed.stop();
  });

  const count = (text: string, part: string) => text.split(part).length - 1;

  it('a title with %%MANAGE_URL%% (and the other slot names) stays that text in the digest, HTML and text; the personal links appear only where the template puts them', async () => {
    await publish(service, 'Older news', ['Offers']);
    await importSubscribers(service, [{ email: 'reader@example.org', categories: ['offers'] }]);
    const title = 'Win %%MANAGE_URL%% %%UNSUBSCRIBE_URL%% %%GREETING%% %%CONFIRM_URL%%';
    await publish(service, title, ['Offers'], { summary: 'Click %%MANAGE_URL%% now' });
    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [mail] = mailsTo(mailed.sink, 'reader@example.org', before);
    assert.ok(mail, 'the digest arrived');
    const text = textOf(mail);
    const html = htmlOf(mail);
    assert.ok(text.includes(`* ${title}`), text);
    assert.ok(text.includes('Click %%MANAGE_URL%% now'), text);
    assert.ok(html.includes(title), 'the HTML shows the title as written');
    assert.ok(html.includes('Click %%MANAGE_URL%% now'));
    const manageLink = linkIn(mail, `${service.ctx.config.baseUrl}/subscriptions/manage?token=`);
    assert.equal(count(text, manageLink), 1, 'the manage link once, in the footer');
    assert.equal(count(text, '/subscriptions/unsubscribe?token='), 1, 'the unsubscribe link once, in the footer');
    assert.equal(count(html, '/subscriptions/manage?token='), 1);
  });

  it('a category named %%CONFIRM_URL%% stays that text in the confirmation email; the confirmation link appears once', async () => {
    const category = await publish(service, 'Confirmed news', ['%%CONFIRM_URL%%']);
    const slug = (await (await service.request(`/api/articles/${category.id}`)).json()).categories[0].slug as string;
    const before = mailed.sink.messages.length;
    const res = await service.request('/api/subscriptions', { method: 'POST', json: { email: 'newcomer@example.org', categories: [slug] } });
    assert.equal(res.status, 202);
    await service.ctx.background.idle();
    const [mail] = mailsTo(mailed.sink, 'newcomer@example.org', before);
    assert.ok(mail, 'the confirmation arrived');
    const text = textOf(mail);
    assert.ok(text.includes('about: %%CONFIRM_URL%%.'), text);
    assert.ok(htmlOf(mail).includes('about: %%CONFIRM_URL%%.'));
    assert.equal(count(text, '/subscriptions/confirm?token='), 1, text);
    assert.equal(count(htmlOf(mail), '/subscriptions/confirm?token='), 1);
  });

  it('a summary with <, >, & and an entity reaches the text part exactly as written', async () => {
    await publish(service, 'Older markets news', ['Markets']);
    await importSubscribers(service, [{ email: 'trader@example.org', categories: ['markets'] }]);
    const summary = 'a < b && c > d, AT&amp;T';
    await publish(service, 'Telecom results', ['Markets'], { summary });
    const before = mailed.sink.messages.length;
    await runNewsletter(service);
    const [mail] = mailsTo(mailed.sink, 'trader@example.org', before);
    assert.ok(mail, 'the digest arrived');
    assert.ok(textOf(mail).includes(`  ${summary}\n`), textOf(mail));
    assert.ok(htmlOf(mail).includes('a &lt; b &amp;&amp; c &gt; d, AT&amp;amp;T'), 'and escaped once in the HTML');
  });
});
