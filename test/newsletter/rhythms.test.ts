// Each subscriber's own rhythm, walked through two weeks around each change of daylight saving
// time, for Europe/Rome, America/New_York, Asia/Kolkata (+5:30) and Pacific/Kiritimati (+14),
// each immediate, daily and weekly: exactly which digests arrive at the SMTP server, and at
// which local times.
import assert from 'node:assert/strict';
import type { Frequency } from '../../src/domain/cadence.js';
import { importSubscribers, startMailedService, type MailedService } from './fixtures.js';
import { assertArrivals, at, days, localTime, walkClock } from './rhythm-walk.js';

const ZONES = { rome: 'Europe/Rome', newyork: 'America/New_York', kolkata: 'Asia/Kolkata', kiritimati: 'Pacific/Kiritimati' } as const;
const FREQUENCIES: Frequency[] = ['immediate', 'daily', 'weekly'];
const address = (frequency: string, zone: string, hour = 8) => `${frequency}.${zone}.${hour}@example.org`;

/** Articles in Health at 00:05, 06:05, 12:05 and 18:05 UTC: something new before every slot. */
async function publishEverySixHours(mailed: MailedService, now: Date): Promise<void> {
  if (now.getUTCMinutes() !== 5 || now.getUTCHours() % 6 !== 0) return;
  const res = await mailed.service.request('/api/articles', { method: 'POST', admin: true, json: { title: `News of ${now.toISOString()}`, categories: ['Health'], contentHtml: '<p>Text.</p>' } });
  assert.equal(res.status, 201, await res.text());
}

/** The UTC times of the immediate digests: ten minutes after each article. */
function immediateTimes(first: string, last: string): string[] {
  return days(first, last).flatMap((day) => ['00:15', '06:15', '12:15', '18:15'].map((time) => at(day, time)));
}

describe('newsletter: each subscriber’s own rhythm, across daylight saving time', function () {
  this.timeout(300_000);
  let mailed: MailedService;

  afterEach(async () => mailed?.stop());

  /** Everyone of the twelve (zone × frequency) at 08:00, weekly on Monday, plus `extra`; imported at `start`. */
  async function subscribeAll(start: string, extra: { frequency: Frequency; zone: keyof typeof ZONES; hour: number }[]): Promise<void> {
    mailed = await startMailedService({ TIMEZONE: 'UTC' });
    mailed.service.clock.set(start);
    const list = [
      ...Object.entries(ZONES).flatMap(([zone, timezone]) => FREQUENCIES.map((frequency) => ({ email: address(frequency, zone), frequency, hour: 8, weekday: 1, timezone }))),
      ...extra.map(({ frequency, zone, hour }) => ({ email: address(frequency, zone, hour), frequency, hour, timezone: ZONES[zone] })),
    ];
    const result = await importSubscribers(mailed.service, list);
    assert.equal(result.imported, list.length, JSON.stringify(result.errors));
  }

  it('spring forward in Europe (29 March 2026): 08:00 stays 08:00, 02:00 that day comes at 03:00, weekly only on Mondays', async () => {
    await subscribeAll('2026-03-22T12:00:00Z', [{ frequency: 'daily', zone: 'rome', hour: 2 }]);
    const walk = await walkClock(mailed, new Date('2026-04-06T00:00:00Z'), (now) => publishEverySixHours(mailed, now));

    for (const zone of ['rome', 'newyork', 'kolkata'] as const) {
      assertArrivals(walk, address('daily', zone), ZONES[zone], days('2026-03-23', '2026-04-05').map((day) => at(day, '08:00')), /Your daily selection/);
      assertArrivals(walk, address('weekly', zone), ZONES[zone], [at('2026-03-23', '08:00'), at('2026-03-30', '08:00')], /Your weekly selection/);
    }
    assertArrivals(walk, address('daily', 'kiritimati'), ZONES.kiritimati, days('2026-03-23', '2026-04-06').map((day) => at(day, '08:00')));
    assertArrivals(walk, address('weekly', 'kiritimati'), ZONES.kiritimati, ['2026-03-23', '2026-03-30', '2026-04-06'].map((day) => at(day, '08:00')));
    const twoAm = days('2026-03-23', '2026-04-06').map((day) => at(day, day === '2026-03-29' ? '03:00' : '02:00'));
    assertArrivals(walk, address('daily', 'rome', 2), ZONES.rome, twoAm);
    for (const zone of Object.keys(ZONES)) {
      assertArrivals(walk, address('immediate', zone), 'UTC', [at('2026-03-22', '12:15'), at('2026-03-22', '18:15'), ...immediateTimes('2026-03-23', '2026-04-05')], /New in Health/);
    }
    // The second weekly digest holds the week since the first (23 March 07:00 UTC): the 27
    // articles of 23 March 12:05 to 30 March 00:05 UTC, each once.
    const weekly = walk.to(address('weekly', 'rome'));
    const titles = weekly[1]!.mail.parsed.text!.match(/^\* News of .*$/gm) ?? [];
    assert.equal(new Set(titles).size, 27);
    assert.deepEqual([titles.at(-1), titles[0]], ['* News of 2026-03-23T12:05:00.000Z', '* News of 2026-03-30T00:05:00.000Z']);
  });

  it('fall back in Europe (25 October) and in the US (1 November 2026): the repeated hour sends once', async () => {
    await subscribeAll('2026-10-18T12:00:00Z', [
      { frequency: 'daily', zone: 'rome', hour: 2 },
      { frequency: 'daily', zone: 'newyork', hour: 1 },
    ]);
    const walk = await walkClock(mailed, new Date('2026-11-02T00:00:00Z'), (now) => publishEverySixHours(mailed, now));

    for (const zone of ['rome', 'newyork', 'kolkata'] as const) {
      assertArrivals(walk, address('daily', zone), ZONES[zone], days('2026-10-19', '2026-11-01').map((day) => at(day, '08:00')));
      assertArrivals(walk, address('weekly', zone), ZONES[zone], [at('2026-10-19', '08:00'), at('2026-10-26', '08:00')]);
    }
    assertArrivals(walk, address('daily', 'kiritimati'), ZONES.kiritimati, days('2026-10-19', '2026-11-02').map((day) => at(day, '08:00')));
    assertArrivals(walk, address('weekly', 'kiritimati'), ZONES.kiritimati, ['2026-10-19', '2026-10-26', '2026-11-02'].map((day) => at(day, '08:00')));
    assertArrivals(walk, address('daily', 'rome', 2), ZONES.rome, days('2026-10-19', '2026-11-01').map((day) => at(day, '02:00')));
    assertArrivals(walk, address('daily', 'newyork', 1), ZONES.newyork, days('2026-10-19', '2026-11-01').map((day) => at(day, '01:00')));
    // On the day Rome falls back, 02:00 is the first of the two (CEST, 00:00 UTC).
    const fallBack = walk.to(address('daily', 'rome', 2)).find((arrival) => localTime(arrival.at, ZONES.rome).startsWith('2026-10-25'));
    assert.equal(fallBack?.at.toISOString(), '2026-10-25T00:00:00.000Z');
    for (const zone of Object.keys(ZONES)) {
      assertArrivals(walk, address('immediate', zone), 'UTC', [at('2026-10-18', '12:15'), at('2026-10-18', '18:15'), ...immediateTimes('2026-10-19', '2026-11-01')]);
    }
  });

  it('spring forward in the US (8 March 2026): New York keeps 08:00, and 02:00 that day comes at 03:00', async () => {
    await subscribeAll('2026-03-06T12:00:00Z', [{ frequency: 'daily', zone: 'newyork', hour: 2 }]);
    const walk = await walkClock(mailed, new Date('2026-03-10T00:00:00Z'), (now) => publishEverySixHours(mailed, now));
    assertArrivals(walk, address('daily', 'newyork'), ZONES.newyork, days('2026-03-06', '2026-03-09').map((day) => at(day, '08:00')));
    assertArrivals(walk, address('daily', 'rome'), ZONES.rome, days('2026-03-07', '2026-03-09').map((day) => at(day, '08:00')));
    assertArrivals(walk, address('daily', 'newyork', 2), ZONES.newyork, [at('2026-03-07', '02:00'), at('2026-03-08', '03:00'), at('2026-03-09', '02:00')]);
    assertArrivals(walk, address('weekly', 'newyork'), ZONES.newyork, [at('2026-03-09', '08:00')]);
  });
});
