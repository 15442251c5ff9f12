// The subscribe rate limit counts clients, not what a request says about itself: under the
// default TRUST_PROXY=loopback an X-Forwarded-For that is not an address falls back to the peer,
// and IPv6 clients are counted per /64.
import assert from 'node:assert/strict';
import { SUBSCRIBE_LIMIT } from '../../src/http/rate-limit.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('subscribe rate limit: who counts as one client', () => {
  let service: TestService;

  beforeEach(async () => {
    service = await startTestService();
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
  });

  /** A subscription request through the loopback "proxy" (the test client) with this header; refused as invalid (422) unless over the limit (429). */
  async function subscribeAs(forwardedFor: string): Promise<number> {
    const res = await service.request('/api/subscriptions', { method: 'POST', json: { email: 'not-an-address' }, headers: { 'x-forwarded-for': forwardedFor } });
    return res.status;
  }

  it('counts every X-Forwarded-For that is not an address as the peer: garbage gets no fresh budget', async () => {
    const garbage = ['foo', '192.0.2.10:1234', '192.0.2.010', '[2001:db8::1]:443', 'unknown', '192.0.2.10 x', '1.2.3.4.5', '0x7f.1', '::g', '_hidden'];
    const statuses: number[] = [];
    for (let n = 0; n < SUBSCRIBE_LIMIT; n += 1) statuses.push(await subscribeAs(`${garbage[n % garbage.length]}${n >= garbage.length ? n : ''}`));
    assert.deepEqual(statuses, new Array(SUBSCRIBE_LIMIT).fill(422));
    for (const value of garbage.slice(0, 3)) assert.equal(await subscribeAs(value), 429, value);
    // The peer itself, named without a header, is the same client.
    assert.equal((await service.request('/api/subscriptions', { method: 'POST', json: { email: 'x' } })).status, 429);
    // A real address behind the trusted (loopback) proxy is a client of its own.
    assert.equal(await subscribeAs('198.51.100.7'), 422);
    // Garbage left of the proxy's own entry is not read: the client is the right-most untrusted address.
    assert.equal(await subscribeAs('foo, 198.51.100.8'), 422);
  });

  it('counts IPv6 clients per /64, and an IPv4-mapped address as its IPv4 address', async () => {
    for (let n = 0; n < SUBSCRIBE_LIMIT; n += 1) assert.equal(await subscribeAs(`2001:db8:1:2:${(n + 1).toString(16)}::${n + 1}`), 422);
    assert.equal(await subscribeAs('2001:db8:1:2:ffff:ffff:ffff:ffff'), 429, 'another address of the same /64');
    assert.equal(await subscribeAs('2001:db8:1:3::1'), 422, 'the next /64 is another client');

    for (let n = 0; n < SUBSCRIBE_LIMIT; n += 1) assert.equal(await subscribeAs('192.0.2.7'), 422);
    assert.equal(await subscribeAs('::ffff:192.0.2.7'), 429);
  });
});
