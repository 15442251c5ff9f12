// A simulated clock walked minute by minute, ticking the job the scheduler calls each minute
// (ctx.newsletter.sendDue), so that every digest is seen at the minute it goes out: one sent an
// hour late, or twice in a repeated hour, shows in the times read back at the SMTP server.
import assert from 'node:assert/strict';
import type { ReceivedMail } from '../helpers/smtp.js';
import { MINUTE, type MailedService } from './fixtures.js';

export interface Arrival {
  /** The simulated instant of the tick that sent it. */
  at: Date;
  mail: ReceivedMail;
}

/** The local date and time of an instant in a zone, as "2026-03-29 03:00 Sun". */
export function localTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.weekday}`;
}

export interface Walk {
  arrivals: Arrival[];
  /** Arrivals addressed to one subscriber. */
  to(address: string): Arrival[];
}

/**
 * Moves the clock from now to `until`, one minute at a time, calling `each` (to publish, to
 * change preferences) before the tick of every minute.
 */
export async function walkClock({ service, sink }: MailedService, until: Date, each?: (now: Date) => Promise<void>): Promise<Walk> {
  const arrivals: Arrival[] = [];
  while (service.clock().getTime() < until.getTime()) {
    service.clock.advance(MINUTE);
    const now = service.clock();
    await each?.(now);
    const before = sink.messages.length;
    await service.ctx.newsletter.sendDue();
    for (const mail of sink.messages.slice(before)) arrivals.push({ at: now, mail });
  }
  return { arrivals, to: (address) => arrivals.filter((arrival) => arrival.mail.rcptTo.includes(address)) };
}

/** Asserts the local times (and subjects) at which a subscriber got digests. */
export function assertArrivals(walk: Walk, address: string, timeZone: string, expected: string[], subject?: RegExp): void {
  const got = walk.to(address);
  assert.deepEqual(got.map((arrival) => localTime(arrival.at, timeZone)), expected, `digests to ${address} (${timeZone})`);
  if (subject) for (const arrival of got) assert.match(arrival.mail.parsed.subject ?? '', subject);
}

/** Every local day from `first` to `last` (YYYY-MM-DD, inclusive). */
export function days(first: string, last: string): string[] {
  const result: string[] = [];
  for (let day = Date.parse(`${first}T12:00:00Z`); day <= Date.parse(`${last}T12:00:00Z`); day += 24 * 60 * MINUTE) result.push(new Date(day).toISOString().slice(0, 10));
  return result;
}

/** "2026-03-29" → "2026-03-29 08:00 Sun" at this hour. */
export function at(day: string, time: string): string {
  const weekday = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', weekday: 'short' }).format(new Date(`${day}T12:00:00Z`));
  return `${day} ${time} ${weekday}`;
}
