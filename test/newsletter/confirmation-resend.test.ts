// Nobody can use the subscribe form to flood a stranger's inbox: an address asked for again within
// CONFIRMATION_RESEND_INTERVAL_MS gets no second confirmation; later it does.
import assert from 'node:assert/strict';
import { CONFIRMATION_RESEND_INTERVAL_MS } from '../../src/domain/newsletter.js';
import { MINUTE, mailsTo, publish, startMailedService, type MailedService } from './fixtures.js';

describe('newsletter: repeated subscription requests', () => {
  let mailed: MailedService;

  before(async () => {
    mailed = await startMailedService();
    await publish(mailed.service, 'Something to follow', ['Politics']);
  });

  after(async () => {
    await mailed.stop();
  });

  it('send one confirmation per address within the interval, and another after it', async () => {
    const { service, sink } = mailed;
    const subscribe = async () => {
      const res = await service.request('/api/subscriptions', { method: 'POST', json: { email: 'target@example.org' } });
      assert.equal(res.status, 202);
      await service.ctx.background.idle();
    };
    for (let i = 0; i < 5; i += 1) await subscribe();
    assert.equal(mailsTo(sink, 'target@example.org').length, 1, 'five requests, one email');
    service.clock.advance(CONFIRMATION_RESEND_INTERVAL_MS + MINUTE);
    await subscribe();
    assert.equal(mailsTo(sink, 'target@example.org').length, 2, 'after the interval a new link is sent');
  });
});
