// Several instances on one PostgreSQL database, each with its own port, DATA_DIR and memory:
// what one writes the others serve, a newsletter run is shared and sends each digest once, the
// cron tick acts once, and the subscribe budget is one.
import assert from 'node:assert/strict';
import { scheduleNewsletter } from '../../src/jobs/scheduler.js';
import { SENDS_IN_FLIGHT } from '../../src/newsletter/run-newsletter.js';
import { SUBSCRIBE_LIMIT } from '../../src/http/rate-limit.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { createDatabaseFor, eventually } from '../helpers/database.js';
import { ADMIN_TOKEN, createTestClock, makeDataDir, startTestService, type TestClock, type TestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { startSubscriber, subscribe } from '../helpers/websub-subscriber.js';
import { importSubscribers, publish } from '../newsletter/fixtures.js';

const SITE = 'http://notizie.example.org';

const digestsPerRecipient = (...sinks: SmtpSink[]) => {
  const counts = new Map<string, number>();
  for (const sink of sinks) for (const mail of sink.messages) for (const address of mail.rcptTo) counts.set(address, (counts.get(address) ?? 0) + 1);
  return counts;
};

describe('PostgreSQL: several instances on one database', function () {
  this.timeout(90_000);
  let databaseUrl: string;
  const started: TestService[] = [];
  const sinks: SmtpSink[] = [];

  beforeEach(async () => {
    databaseUrl = await createDatabaseFor(await makeDataDir());
  });

  afterEach(async () => {
    for (const service of started.splice(0).reverse()) await service.stop({ removeData: true });
    for (const sink of sinks.splice(0)) await sink.close();
  });

  /** An instance with its own DATA_DIR and SMTP sink, on the shared database. */
  async function instance(clock: TestClock, sinkOptions: { delayMs?: number } = {}): Promise<{ service: TestService; sink: SmtpSink }> {
    const sink = await startSmtpSink(sinkOptions);
    sinks.push(sink);
    // One public address for all, as behind a load balancer: the feeds they render are the same bytes.
    const service = await startTestService({ DATABASE_URL: databaseUrl, SMTP_URL: sink.url, BASE_URL: SITE, ALLOW_PRIVATE_NETWORKS: 'true' }, { clock });
    started.push(service);
    return { service, sink };
  }

  it('an article written through one instance is in the other\'s feeds and pages, with the same ETag', async () => {
    const clock = createTestClock();
    const { service: a } = await instance(clock);
    const { service: b } = await instance(clock);
    await b.request('/rss.xml');
    const article = await publish(a, 'Scritto su A, letto su B', ['Cronaca']);
    await eventually('the article in B\'s feed', async () => (await (await b.request('/rss.xml')).text()).includes('Scritto su A, letto su B'));
    assert.equal((await b.request(`/articles/${article.slug}`)).status, 200);
    const [fromA, fromB] = await Promise.all([a.request('/categories/cronaca/atom.xml'), b.request('/categories/cronaca/atom.xml')]);
    assert.equal(fromA.status, 200);
    assert.equal(fromB.headers.get('etag'), fromA.headers.get('etag'));
    assert.equal(await fromB.text(), await fromA.text());
  });

  it('a run started on one instance is shared: every subscriber gets one digest, and both instances send', async () => {
    const clock = createTestClock();
    // Slow sinks keep the run going long enough for the other instance to join it.
    const { service: a, sink: sinkA } = await instance(clock, { delayMs: 10 });
    const { service: b, sink: sinkB } = await instance(clock, { delayMs: 10 });
    const emails = Array.from({ length: 200 }, (_, i) => `shared${i}@example.org`);
    await importSubscribers(a, emails.map((email) => ({ email })));
    const article = await publish(a, 'Un numero per tutti', ['Notizie']);
    await eventually('B knows every subscriber and the article', () => b.ctx.store.newsletter.allSubscribers().length === emails.length && !!b.ctx.store.articles.byId(article.id));

    const run = await a.ctx.newsletter.run('manual');
    await eventually('B has finished its part', () => !b.ctx.newsletter.isRunning);
    const counts = digestsPerRecipient(sinkA, sinkB);
    assert.deepEqual(emails.filter((email) => counts.get(email) !== 1), [], 'everybody has exactly one digest');
    assert.ok(sinkA.messages.length > 0 && sinkB.messages.length > 0, `both sent (A ${sinkA.messages.length}, B ${sinkB.messages.length})`);
    await eventually('the run is recorded as finished with its counts', () => a.ctx.store.newsletter.runs().find((candidate) => candidate.id === run.id)?.counts.sent === emails.length);
  });

  it('the cron tick fires on both instances and the digests go out once', async () => {
    const clock = createTestClock();
    const { service: a, sink: sinkA } = await instance(clock);
    const { service: b, sink: sinkB } = await instance(clock);
    const emails = Array.from({ length: 30 }, (_, i) => `tick${i}@example.org`);
    await importSubscribers(b, emails.map((email) => ({ email })));
    const article = await publish(b, 'Ogni mattina', ['Notizie']);
    await eventually('A knows every subscriber and the article', () => a.ctx.store.newsletter.allSubscribers().length === emails.length && !!a.ctx.store.articles.byId(article.id));
    const schedules = [scheduleNewsletter(a.ctx), scheduleNewsletter(b.ctx)];
    try {
      await Promise.all(schedules.map((schedule) => schedule.digest.execute()));
      await eventually('both are idle', () => !a.ctx.newsletter.isRunning && !b.ctx.newsletter.isRunning);
    } finally {
      for (const schedule of schedules) await schedule.stop();
    }
    const counts = digestsPerRecipient(sinkA, sinkB);
    assert.deepEqual(emails.filter((email) => counts.get(email) !== 1), [], 'everybody has exactly one digest');
    assert.equal(a.ctx.store.newsletter.runs().length, 1, 'one run, not one per instance');
  });

  it('a WebSub subscriber gets one push per change, pushed by the leader, whichever instance took the subscription and the write', async () => {
    const clock = createTestClock();
    const { service: a } = await instance(clock);
    const { service: b } = await instance(clock);
    assert.ok(a.ctx.store.leadership.holds() && !b.ctx.store.leadership.holds(), 'the first instance leads');
    const callback = await startSubscriber();
    try {
      await publish(a, 'La prima della categoria', ['Cronaca']);
      await eventually('B serves the category', async () => (await b.request('/categories/cronaca/rss.xml')).status === 200);
      await subscribe(b, `${SITE}/categories/cronaca/rss.xml`, callback.url());
      await eventually('the leader knows the subscription', () => a.ctx.store.websub.subscriptions().length === 1);
      await publish(b, 'Spinto una volta sola', ['Cronaca']);
      const [push] = await callback.waitForPushes(1);
      assert.ok(push!.body.toString().includes('Spinto una volta sola'));
      // B made the change: had it pushed too, its push would be among those idle() waits for.
      await Promise.all([a.ctx.websub.idle(), b.ctx.websub.idle()]);
      assert.equal(callback.pushes.length, 1, 'one push, not one per instance');
    } finally {
      await callback.close();
    }
  });

  it('the subscribe rate limit is one budget across the instances', async () => {
    const clock = createTestClock();
    const { service: a } = await instance(clock);
    const { service: b } = await instance(clock);
    const subscribe = (service: TestService, n: number) => service.request('/api/subscriptions', { method: 'POST', json: { email: `limit${n}@example.org` } });
    for (let n = 0; n < SUBSCRIBE_LIMIT; n++) assert.equal((await subscribe(n % 2 ? a : b, n)).status, 202, `request ${n + 1}`);
    assert.equal((await subscribe(a, SUBSCRIBE_LIMIT)).status, 429);
    assert.equal((await subscribe(b, SUBSCRIBE_LIMIT + 1)).status, 429);
  });

  describe('an instance killed in the middle of a shared run', () => {
    let child: ChildService | undefined;
    afterEach(() => void child?.child.kill('SIGKILL'));

    it('another finishes its work once its claims run out: nobody is missed, duplicates are at most the sends in flight', async () => {
      // A (a child process) runs on the real clock: everything here happened a few minutes ago.
      const clock = createTestClock(new Date(Date.now() - 10 * 60_000));
      const slowSink = await startSmtpSink({ delayMs: 40 });
      sinks.push(slowSink);
      const emails = Array.from({ length: 150 }, (_, i) => `killed${i}@example.org`);
      const { service: b, sink: sinkB } = await instance(clock);
      await importSubscribers(b, emails.map((email) => ({ email })));
      clock.advance(60_000);
      await publish(b, 'Sopravvive a tutto', ['Notizie']);
      // B starts sending only when told: it is idle while A runs, so A holds claims when killed.
      await b.ctx.newsletter.stop();

      child = await spawnService(await makeDataDir(), { DATABASE_URL: databaseUrl, SMTP_URL: slowSink.url });
      const answer = fetch(`${child.url}/api/newsletter/runs`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then(async (res) => `${res.status} ${await res.text()}`, String);
      await slowSink.waitFor(10, 30_000).catch(async (err) => assert.fail(`${err} ${await answer} ${child!.stderr()}`));
      child.child.kill('SIGKILL');
      await child.exited;
      const sentByA = slowSink.messages.length;
      assert.ok(sentByA < emails.length, `A was killed mid-run (${sentByA} sent)`);

      // A fresh instance in B's place (B was stopped) waits out A's leases, then finishes the run.
      const { service: c, sink: sinkC } = await instance(clock);
      clock.set(new Date(Date.now() + 10 * 60_000));
      await c.ctx.newsletter.resume();
      const counts = digestsPerRecipient(slowSink, sinkB, sinkC);
      assert.deepEqual(emails.filter((email) => !counts.get(email)), [], 'nobody is missed');
      const duplicates = [...counts.values()].reduce((sum, count) => sum + count - 1, 0);
      assert.ok(duplicates <= SENDS_IN_FLIGHT, `duplicates (${duplicates}) at most the sends in flight (${SENDS_IN_FLIGHT})`);
      assert.equal(c.ctx.store.newsletter.unfinishedRuns().length, 0, 'the run is finished');
    });
  });
});
