// When NEWSLETTER_CRON fires next, counted from the injected clock, as node-cron reads the expression.
import assert from 'node:assert/strict';
import { nextCronRun } from '../../src/jobs/next-run.js';

const next = (expression: string, zone: string, after: string) => nextCronRun(expression, zone, new Date(after))?.toISOString();

describe('next cron run', () => {
  it('names the next 08:00 in the zone, tomorrow once today\'s has come', () => {
    assert.equal(next('0 8 * * *', 'Europe/Rome', '2026-11-27T06:59:59Z'), '2026-11-27T07:00:00.000Z');
    assert.equal(next('0 8 * * *', 'Europe/Rome', '2026-11-27T07:00:00Z'), '2026-11-28T07:00:00.000Z');
  });

  it('follows the zone across a change to daylight saving time', () => {
    assert.equal(next('0 8 * * *', 'Europe/Rome', '2027-03-27T08:00:00Z'), '2027-03-28T06:00:00.000Z');
  });

  it('reads the last day of the month, the second Monday and the weekdays as node-cron does', () => {
    assert.equal(next('30 7 L * *', 'UTC', '2027-02-10T00:00:00Z'), '2027-02-28T07:30:00.000Z');
    assert.equal(next('0 9 * * 1#2', 'UTC', '2026-11-27T00:00:00Z'), '2026-12-14T09:00:00.000Z');
    assert.equal(next('*/15 8-18 * * 1-5', 'America/New_York', '2026-11-27T23:50:00Z'), '2026-11-30T13:00:00.000Z');
  });

  it('finds a 29 February years away', () => {
    assert.equal(next('0 0 29 2 *', 'UTC', '2026-11-27T00:00:00Z'), '2028-02-29T00:00:00.000Z');
  });
});
