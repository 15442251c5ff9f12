// The WebSub hub with real subscribers on loopback: subscription and verification of intent,
// content distribution with signatures, retries, 410, redirects, leases and restarts.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { create, MINUTE } from '../feeds/feed-helpers.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../helpers/service.js';
import { startSubscriber, subscribe, hubRequest, type TestSubscriber } from '../helpers/websub-subscriber.js';

const ALLOW = { ALLOW_PRIVATE_NETWORKS: 'true' };

describe('WebSub hub', () => {
  let service: TestService;
  let subscriber: TestSubscriber;
  let other: TestSubscriber;
  const topic = (path: string) => `${service.url}${path}`;
  const listed = async () => ((await (await service.request('/api/websub/subscriptions', { admin: true })).json()) as { items: Record<string, unknown>[] }).items;

  beforeEach(async () => {
    service = await startTestService(ALLOW);
    subscriber = await startSubscriber();
    other = await startSubscriber();
    await create(service, { title: 'Primo', categories: ['Cultura'] });
    await create(service, { title: 'Sport uno', categories: ['Sport'] });
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
    await subscriber.close();
    await other.close();
  });

  it('verifies a subscription with a GET that keeps the callback query and echoes the challenge, then pushes a new article of that category, signed', async () => {
    const feed = topic('/categories/cultura/atom.xml');
    await subscribe(service, feed, subscriber.url('/cb?user=a%20b&x=1'), { 'hub.secret': 'segreto' });
    await subscribe(service, topic('/categories/sport/atom.xml'), other.url());
    const [verification] = subscriber.verifications;
    assert.equal(verification!.path, '/cb');
    assert.equal(verification!.query.get('user'), 'a b');
    assert.equal(verification!.query.get('x'), '1');
    assert.equal(verification!.query.get('hub.mode'), 'subscribe');
    assert.equal(verification!.query.get('hub.topic'), feed);
    assert.equal(verification!.query.get('hub.lease_seconds'), String(10 * 24 * 3600));
    assert.ok(verification!.query.get('hub.challenge')!.length >= 32);
    assert.deepEqual((await listed()).map((item) => [item.topic, item.state]).sort(), [[feed, 'active'], [topic('/categories/sport/atom.xml'), 'active']]);

    await create(service, { title: 'Secondo', categories: ['Cultura'] });
    const [push] = await subscriber.waitForPushes(1);
    await service.ctx.websub.idle();
    const current = await service.request('/categories/cultura/atom.xml');
    const body = Buffer.from(await current.arrayBuffer());
    assert.equal(push!.path, '/cb?user=a%20b&x=1');
    assert.deepEqual(push!.body, body);
    assert.match(body.toString(), /Secondo/);
    assert.equal(push!.headers['content-type'], 'application/atom+xml; charset=utf-8');
    assert.equal(push!.headers['content-length'], String(body.length));
    assert.equal(push!.headers.link, `<${service.url}/websub>; rel="hub", <${feed}>; rel="self"`);
    assert.equal(push!.headers['x-hub-signature'], `sha256=${createHmac('sha256', 'segreto').update(body).digest('hex')}`);
    assert.equal(other.pushes.length, 0, 'the Sport subscriber gets nothing');
    assert.equal(subscriber.pushes.length, 1);
    const [item] = (await listed()).filter((entry) => entry.topic === feed);
    assert.equal(item!.consecutiveFailures, 0);
    assert.equal(item!.lastPushAt, service.clock().toISOString());
  });

  it('a re-subscription replaces the old one only once verified', async () => {
    const feed = topic('/rss.xml');
    await subscribe(service, feed, subscriber.url(), { 'hub.secret': 'primo' });
    subscriber.wrongChallenge = 'no';
    await subscribe(service, feed, subscriber.url(), { 'hub.secret': 'secondo' });
    const signature = (secret: string, push: { body: Buffer }) => `sha256=${createHmac('sha256', secret).update(push.body).digest('hex')}`;
    await create(service, { title: 'Uno' });
    const [first] = await subscriber.waitForPushes(1);
    assert.equal(first!.headers['x-hub-signature'], signature('primo', first!), 'the unverified request changed nothing');

    subscriber.wrongChallenge = undefined;
    await subscribe(service, feed, subscriber.url(), { 'hub.secret': 'secondo' });
    await create(service, { title: 'Due' });
    const [, second] = await subscriber.waitForPushes(2);
    assert.equal(second!.headers['x-hub-signature'], signature('secondo', second!));
    assert.equal((await listed()).length, 1);
  });

  it('a callback that never answers delays no other subscriber', async () => {
    const silent = await startSubscriber();
    try {
      await subscribe(service, topic('/rss.xml'), silent.url());
      await subscribe(service, topic('/rss.xml'), subscriber.url());
      silent.holdPushes = true;
      await create(service, { title: 'Nuovo' });
      await silent.waitForPushes(1);
      const [push] = await subscriber.waitForPushes(1);
      assert.match(push!.body.toString(), /Nuovo/);
    } finally {
      await silent.close();
    }
  });

  it('the admin lists subscriptions a page at a time, and only with the admin token', async () => {
    for (const path of ['/a', '/b', '/c']) await subscribe(service, topic('/rss.xml'), subscriber.url(path));
    assert.equal((await service.request('/api/websub/subscriptions')).status, 401);
    const first = (await (await service.request('/api/websub/subscriptions?limit=2', { admin: true })).json()) as { items: { callback: string }[]; next: string };
    assert.equal(first.items.length, 2);
    const second = (await (await fetch(first.next, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { items: { callback: string }[]; next: string | null };
    assert.equal(second.next, null);
    assert.deepEqual([...first.items, ...second.items].map((item) => item.callback).sort(), ['/a', '/b', '/c'].map((path) => subscriber.url(path)));
  });

  it('grants leases between an hour and 30 days', async () => {
    await subscribe(service, topic('/rss.xml'), subscriber.url('/short'), { 'hub.lease_seconds': '60' });
    await subscribe(service, topic('/rss.xml'), subscriber.url('/long'), { 'hub.lease_seconds': '99999999' });
    assert.deepEqual(subscriber.verifications.map((v) => v.query.get('hub.lease_seconds')), ['3600', String(30 * 24 * 3600)]);
  });

  it('a callback that answers the wrong challenge is never subscribed', async () => {
    subscriber.wrongChallenge = 'not the challenge';
    await subscribe(service, topic('/feed.json'), subscriber.url());
    assert.equal(subscriber.verifications.length, 1);
    assert.deepEqual(await listed(), []);
    await create(service, { title: 'Nuovo' });
    await service.ctx.websub.idle();
    assert.equal(subscriber.pushes.length, 0);
  });

  it('after a verified unsubscription no more pushes arrive', async () => {
    await subscribe(service, topic('/rss.xml'), subscriber.url());
    const res = await hubRequest(service, { 'hub.mode': 'unsubscribe', 'hub.topic': topic('/rss.xml'), 'hub.callback': subscriber.url() });
    assert.equal(res.status, 202);
    await service.ctx.websub.idle();
    assert.equal(subscriber.verifications[1]!.query.get('hub.mode'), 'unsubscribe');
    assert.equal(subscriber.verifications[1]!.query.has('hub.lease_seconds'), false);
    assert.deepEqual(await listed(), []);
    await create(service, { title: 'Nuovo' });
    await service.ctx.websub.idle();
    assert.equal(subscriber.pushes.length, 0);
  });

  it('a 500 is retried with backoff, and the retry carries the newest body once', async () => {
    await subscribe(service, topic('/rss.xml'), subscriber.url());
    subscriber.pushStatuses.push(500);
    await create(service, { title: 'Primo tentativo' });
    await subscriber.waitForPushes(1);
    await service.ctx.websub.idle();
    const [retrying] = await listed();
    assert.equal(retrying!.state, 'retrying');
    assert.equal(retrying!.consecutiveFailures, 1);
    assert.ok(Date.parse(retrying!.nextAttemptAt as string) - service.clock().getTime() <= MINUTE, 'the first retry is within a minute');

    // The feed changes again before the retry: nothing is sent until the retry is due.
    const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Ancora più nuovo', contentHtml: '<p>Testo.</p>' } });
    assert.equal(res.status, 201);
    await service.ctx.websub.idle();
    assert.equal(subscriber.pushes.length, 1);

    service.clock.advance(MINUTE);
    await service.ctx.websub.runDueWork();
    assert.equal(subscriber.pushes.length, 2);
    assert.match(subscriber.pushes[1]!.body.toString(), /Ancora più nuovo/);
    service.clock.advance(10 * MINUTE);
    await service.ctx.websub.runDueWork();
    assert.equal(subscriber.pushes.length, 2, 'pushed once');
    const [afterRetry] = await listed();
    assert.equal(afterRetry!.state, 'active');
    assert.equal(afterRetry!.consecutiveFailures, 0);
  });

  it('the retries back off, doubling up to an hour, and stop a day after the first failure', async () => {
    await subscribe(service, topic('/rss.xml'), subscriber.url());
    subscriber.pushStatuses.push(...Array<number>(100).fill(503));
    await create(service, { title: 'Mai consegnato' });
    await subscriber.waitForPushes(1);
    await service.ctx.websub.idle();
    const waits: number[] = [];
    for (;;) {
      const [state] = await listed();
      if (!state!.nextAttemptAt) break;
      const wait = Date.parse(state!.nextAttemptAt as string) - service.clock().getTime();
      waits.push(wait / 1000);
      service.clock.advance(wait);
      await service.ctx.websub.runDueWork();
    }
    assert.deepEqual(waits.slice(0, 9), [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    const total = waits.reduce((sum, wait) => sum + wait, 0);
    assert.ok(total >= 24 * 3600 && total <= 25 * 3600, `gave up after ${total} s`);
  });

  it('a 410 ends the subscription', async () => {
    await subscribe(service, topic('/rss.xml'), subscriber.url());
    subscriber.pushStatuses.push(410);
    await create(service, { title: 'Nuovo' });
    await subscriber.waitForPushes(1);
    await service.ctx.websub.idle();
    assert.deepEqual(await listed(), []);
  });

  it('a redirecting callback is not followed: the push counts as failed', async () => {
    await subscribe(service, topic('/rss.xml'), subscriber.url());
    subscriber.pushStatuses.push(302);
    await create(service, { title: 'Nuovo' });
    await subscriber.waitForPushes(1);
    await service.ctx.websub.idle();
    assert.deepEqual(subscriber.pushes.map((push) => push.path), ['/callback']);
    assert.equal((await listed())[0]!.state, 'retrying');
  });

  it('a scheduled article is pushed once it becomes due', async () => {
    await subscribe(service, topic('/categories/cultura/feed.json'), subscriber.url());
    const publishedAt = new Date(service.clock().getTime() + 2 * 3600_000).toISOString();
    await create(service, { title: 'Domani', categories: ['Cultura'], publishedAt });
    await service.ctx.websub.idle();
    assert.equal(subscriber.pushes.length, 0, 'not before it is due');
    service.clock.set(publishedAt);
    await service.ctx.websub.runDueWork();
    assert.equal(subscriber.pushes.length, 1);
    assert.match(subscriber.pushes[0]!.body.toString(), /Domani/);
  });

  it('a subscription whose lease ran out is dropped and pushed nothing', async () => {
    await subscribe(service, topic('/rss.xml'), subscriber.url(), { 'hub.lease_seconds': '3600' });
    service.clock.advance(3600_000);
    await service.ctx.websub.runDueWork();
    assert.deepEqual(await listed(), []);
    await create(service, { title: 'Nuovo' });
    await service.ctx.websub.idle();
    assert.equal(subscriber.pushes.length, 0);
  });

  it('subscriptions survive a restart and are pushed after it', async () => {
    await subscribe(service, topic('/categories/cultura/rss.xml'), subscriber.url());
    const before = await listed();
    await service.stop();
    // The same BASE_URL: topics are feed URLs.
    service = await startTestService({ ...ALLOW, DATA_DIR: service.dataDir, PORT: new URL(service.url).port, BASE_URL: service.url }, { clock: service.clock });
    assert.deepEqual(await listed(), before);
    await create(service, { title: 'Dopo il riavvio', categories: ['Cultura'] });
    const [push] = await subscriber.waitForPushes(1);
    assert.match(push!.body.toString(), /Dopo il riavvio/);
  });
});
