// The rhythm fields of the subscribe form, the preference centre, POST /api/subscriptions and the
// import: frequency, hour, weekday, timezone. None given: no rhythm (NEWSLETTER_CRON in TIMEZONE).
import { z } from 'zod';
import type { Config } from '../config.js';
import { cronHour, FREQUENCIES, isTimeZone, type Rhythm } from '../domain/cadence.js';

/** Numbers as JSON sends them or as a form posts them ("8"). */
const wholeNumber = (min: number, max: number, message: string) =>
  z.preprocess((value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value), z.number({ error: message }).int(message).min(min, message).max(max, message));

export const rhythmFields = {
  frequency: z.enum(FREQUENCIES, { error: `is one of ${FREQUENCIES.join(', ')}` }).optional(),
  hour: wholeNumber(0, 23, 'is a whole hour from 0 to 23, local time').optional(),
  weekday: wholeNumber(1, 7, 'is a day from 1 (Monday) to 7 (Sunday)').optional(),
  timezone: z
    .string({ error: 'is an IANA time zone, e.g. Europe/Rome' })
    .trim()
    .refine(isTimeZone, 'is an IANA time zone, e.g. Europe/Rome')
    .optional(),
};

export type RhythmFields = { [K in keyof typeof rhythmFields]?: z.infer<(typeof rhythmFields)[K]> };

/** The rhythm the fields choose, with the site's defaults for what was left out; none when none was given. */
export function rhythmOf(config: Pick<Config, 'newsletterCron' | 'timezone'>, fields: RhythmFields): Rhythm | undefined {
  const { frequency, hour, weekday, timezone } = fields;
  if (frequency === undefined && hour === undefined && weekday === undefined && timezone === undefined) return undefined;
  return { frequency: frequency ?? 'daily', hour: hour ?? cronHour(config.newsletterCron), weekday: weekday ?? 1, timezone: timezone ?? config.timezone };
}

export const sameRhythm = (a: Rhythm | undefined, b: Rhythm | undefined) =>
  a?.frequency === b?.frequency && a?.hour === b?.hour && a?.weekday === b?.weekday && a?.timezone === b?.timezone;
