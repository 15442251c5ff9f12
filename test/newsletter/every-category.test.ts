// A subscriber who picks no category gets every one, including categories created later; the
// preference centre shows them all ticked, and choosing some narrows the digest to those.
import assert from 'node:assert/strict';
import { readPreferences } from '../../src/newsletter/subscriptions.js';
import { createToken } from '../../src/newsletter/tokens.js';
import { importSubscribers, mailsTo, publish, runNewsletter, startMailedService, subscriber, textOf, type MailedService } from './fixtures.js';

describe('newsletter: choosing no category', () => {
  let mailed: MailedService;

  before(async () => {
    mailed = await startMailedService();
    await publish(mailed.service, 'Budget approved', ['Politics']);
  });

  after(async () => {
    await mailed.stop();
  });

  it('follows every category, those created after subscribing included', async () => {
    const { service, sink } = mailed;
    assert.equal((await importSubscribers(service, [{ email: 'curious@example.org' }])).imported, 1);
    const culture = await publish(service, 'Museum reopens', ['Culture']);
    const politics = await publish(service, 'Mayor elected', ['Politics']);
    const before = sink.messages.length;
    await runNewsletter(service);
    const [digest] = mailsTo(sink, 'curious@example.org', before);
    assert.ok(digest, 'a digest arrived');
    assert.ok(textOf(digest).includes(culture.title), 'the category created after subscribing is in the digest');
    assert.ok(textOf(digest).includes(politics.title));

    const token = createToken(service.ctx.config.secret, subscriber(service, 'curious@example.org').id, 'manage');
    const view = readPreferences(service.ctx, token);
    assert.equal(view.allCategories, true);
    assert.deepEqual([...view.categories].sort(), ['culture', 'politics']);
  });
});
