// What a rhythm changes for one subscriber: the API's fields and their 422s, the immediate
// digest that gathers a burst, a change of rhythm in the preference centre (no gap, no
// duplicate), and the subscribers who never chose, who keep NEWSLETTER_CRON.
import assert from 'node:assert/strict';
import { subscriberLinks } from '../../src/newsletter/subscriptions.js';
import { importSubscribers, MINUTE, startMailedService, subscriber, textOf, type MailedService } from './fixtures.js';
import { localTime, walkClock } from './rhythm-walk.js';

describe('newsletter: one subscriber’s rhythm', function () {
  this.timeout(60_000);
  let mailed: MailedService;

  afterEach(async () => mailed?.stop());

  async function publishAt(title: string, category = 'Health'): Promise<void> {
    const res = await mailed.service.request('/api/articles', { method: 'POST', admin: true, json: { title, categories: [category], contentHtml: '<p>Text.</p>' } });
    assert.equal(res.status, 201, await res.text());
  }

  const titlesIn = (text: string) => text.match(/^\* .*$/gm)?.map((line) => line.slice(2)) ?? [];

  it('POST /api/subscriptions: each invalid rhythm field is a 422 naming it; what is left out takes the site’s defaults', async () => {
    mailed = await startMailedService({ NEWSLETTER_CRON: '30 6 * * *', TIMEZONE: 'Europe/Rome' });
    const { service } = mailed;
    const bad: [string, unknown][] = [['frequency', 'hourly'], ['hour', 24], ['hour', 7.5], ['weekday', 0], ['weekday', 8], ['timezone', 'Europe/Atlantis'], ['timezone', 42]];
    for (const [field, value] of bad) {
      const res = await service.request('/api/subscriptions', { method: 'POST', json: { email: 'x@example.org', [field]: value } });
      assert.equal(res.status, 422, `${field}=${JSON.stringify(value)}`);
      const problem = (await res.json()) as { errors: { field: string }[] };
      assert.deepEqual(problem.errors.map((error) => error.field), [field]);
    }
    assert.equal((await service.request('/api/subscriptions', { method: 'POST', json: { email: 'weekly@example.org', frequency: 'weekly' } })).status, 202);
    assert.equal((await service.request('/api/subscriptions', { method: 'POST', json: { email: 'plain@example.org' } })).status, 202);
    await service.ctx.background.idle();
    assert.deepEqual(subscriber(service, 'weekly@example.org').rhythm, { frequency: 'weekly', hour: 6, weekday: 1, timezone: 'Europe/Rome' });
    assert.equal(subscriber(service, 'plain@example.org').rhythm, undefined, 'no field given: the site’s newsletter, as before');
  });

  it('a burst of five articles is one immediate email, IMMEDIATE_DELAY after the first, with all five', async () => {
    mailed = await startMailedService({ IMMEDIATE_DELAY: '10m' });
    const { service } = mailed;
    service.clock.set('2026-05-04T09:00:00Z');
    await importSubscribers(service, [{ email: 'now@example.org', frequency: 'immediate' }]);
    const first = new Date('2026-05-04T09:30:00Z');
    const walk = await walkClock(mailed, new Date('2026-05-04T11:00:00Z'), async (now) => {
      const minutes = (now.getTime() - first.getTime()) / MINUTE;
      if (minutes >= 0 && minutes < 5) await publishAt(`Burst ${minutes + 1}`);
      if (minutes === 40) await publishAt('Later');
    });
    const got = walk.to('now@example.org');
    assert.deepEqual(got.map((arrival) => localTime(arrival.at, 'UTC')), ['2026-05-04 09:40 Mon', '2026-05-04 10:20 Mon']);
    assert.equal(got[0]!.mail.parsed.subject, 'Notiziario: New in Health');
    assert.deepEqual(titlesIn(textOf(got[0]!.mail)).sort(), ['Burst 1', 'Burst 2', 'Burst 3', 'Burst 4', 'Burst 5']);
    assert.deepEqual(titlesIn(textOf(got[1]!.mail)), ['Later']);
    assert.match(textOf(got[0]!.mail), /just published in Health: 5 new articles\./);
  });

  it('a change of rhythm in the preference centre serves from the new rhythm’s next time, with no gap and no duplicate', async () => {
    mailed = await startMailedService();
    const { service } = mailed;
    service.clock.set('2026-05-03T12:00:00Z');
    await importSubscribers(service, [{ email: 'rita@example.org', frequency: 'daily', hour: 8, timezone: 'Europe/Rome' }]);
    const { id } = subscriber(service, 'rita@example.org');
    const token = new URL(subscriberLinks(service.ctx, id).manageUrl).searchParams.get('token')!;
    const published: string[] = [];
    // An article every three hours; on Tuesday at 10:00 UTC, Rita moves to weekly, Wednesdays at 09:00.
    const walk = await walkClock(mailed, new Date('2026-05-07T00:00:00Z'), async (now) => {
      if (now.getUTCMinutes() === 0 && now.getUTCHours() % 3 === 0) {
        const title = `At ${now.toISOString()}`;
        await publishAt(title);
        published.push(title);
      }
      if (now.toISOString() === '2026-05-05T10:00:00.000Z') {
        const body = new URLSearchParams({ token, frequency: 'weekly', hour: '9', weekday: '3', timezone: 'Europe/Rome' }).toString();
        const res = await service.request('/subscriptions/manage', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body, redirect: 'manual' });
        assert.equal(res.status, 303);
      }
    });
    const got = walk.to('rita@example.org');
    assert.deepEqual(got.map((arrival) => localTime(arrival.at, 'Europe/Rome')), ['2026-05-04 08:00 Mon', '2026-05-05 08:00 Tue', '2026-05-06 09:00 Wed']);
    assert.match(got[2]!.mail.parsed.subject!, /Your weekly selection/);
    const received = got.flatMap((arrival) => titlesIn(textOf(arrival.mail)));
    const sentBeforeLastDigest = published.filter((title) => Date.parse(title.slice(3)) <= Date.parse('2026-05-06T07:00:00Z'));
    assert.deepEqual([...received].sort(), [...sentBeforeLastDigest].sort(), 'every article once, none twice');
  });

  it('subscribers who never chose follow NEWSLETTER_CRON; the minute tick leaves them alone; a manual run serves everyone', async () => {
    mailed = await startMailedService();
    const { service, sink } = mailed;
    service.clock.set('2026-05-04T05:00:00Z');
    await importSubscribers(service, [{ email: 'old@example.org' }, { email: 'daily@example.org', frequency: 'daily', hour: 8, timezone: 'UTC' }]);
    await walkClock(mailed, new Date('2026-05-04T06:00:00Z'), async (now) => {
      if (now.getUTCMinutes() === 30) await publishAt('Morning');
    });
    assert.equal(sink.messages.length, 0, 'nobody due yet');
    assert.equal(service.ctx.store.newsletter.runs().length, 0, 'ticks with nobody due record no run');
    const scheduled = await service.ctx.newsletter.run('schedule');
    assert.deepEqual(sink.messages.map((mail) => mail.rcptTo[0]), ['old@example.org'], 'NEWSLETTER_CRON serves those without a rhythm');
    assert.equal(scheduled.counts.sent, 1);
    service.clock.advance(MINUTE);
    await publishAt('Second');
    service.clock.advance(MINUTE);
    const manual = await service.ctx.newsletter.run('manual');
    assert.equal(manual.counts.sent, 2, 'a manual run sends to everyone with something new');
    const walk = await walkClock(mailed, new Date('2026-05-04T09:00:00Z'));
    assert.deepEqual(walk.arrivals, [], 'at 08:00 the daily subscriber has nothing new: no mail');
    assert.equal(service.ctx.store.newsletter.runs().length, 2, 'and no run recorded');
    assert.equal(subscriber(service, 'daily@example.org').nextDigestAt, '2026-05-05T08:00:00.000Z');
  });

  it('the admin list shows each subscriber’s rhythm and next digest time', async () => {
    mailed = await startMailedService();
    const { service } = mailed;
    service.clock.set('2026-05-04T05:00:00Z');
    await importSubscribers(service, [{ email: 'w@example.org', frequency: 'weekly', weekday: 3, hour: 20, timezone: 'Asia/Kolkata' }]);
    const list = (await (await service.request('/api/subscribers', { admin: true })).json()) as { items: Record<string, unknown>[] };
    assert.deepEqual(
      [list.items[0]!.frequency, list.items[0]!.hour, list.items[0]!.weekday, list.items[0]!.timezone, list.items[0]!.nextDigestAt],
      ['weekly', 20, 3, 'Asia/Kolkata', new Date(Date.parse('2026-05-06T20:00:00+05:30')).toISOString()],
    );
  });
});
