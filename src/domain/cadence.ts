// Each subscriber's rhythm (immediate, daily or weekly, at a local hour in their time zone) and
// the pure rule that says when their next digest is due. Wall-clock arithmetic goes through Intl,
// so daylight saving time follows the zone's rules: a local hour that does not exist (spring
// forward) moves to the next one that does; one that happens twice (fall back) counts once.

export const FREQUENCIES = ['immediate', 'daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** What a subscriber chose. Absent on a subscriber: the site's NEWSLETTER_CRON in TIMEZONE. */
export interface Rhythm {
  frequency: Frequency;
  /** 0–23, local time. */
  hour: number;
  /** 1 = Monday … 7 = Sunday; used by weekly. */
  weekday: number;
  /** An IANA zone. */
  timezone: string;
}

/** What a delivery's digest is: the subject and intro say so. Absent: the site's usual digest. */
export type DigestKind = Frequency;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formatters.set(timeZone, format);
  }
  return format;
}

export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** What a clock on the wall in `timeZone` reads at `instant`. */
export function wallClock(instant: number, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), weekday: WEEKDAYS[parts.weekday!]! };
}

/** The zone's offset from UTC at `instant`, in milliseconds (seconds dropped). */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return asUtc - Math.floor(instant / 60_000) * 60_000;
}

/** Slots already worked out: a tick reschedules thousands of subscribers who share a zone and hour. */
const slots = new Map<string, number>();
const MAX_CACHED_SLOTS = 10_000;

/**
 * The first instant at which the wall clock in `timeZone` reads `hour`:00 on this local date; if
 * that hour does not exist that day, the next whole hour that does.
 */
export function localHourOn(date: { year: number; month: number; day: number }, hour: number, timeZone: string): number {
  const key = `${timeZone} ${date.year}-${date.month}-${date.day} ${hour}`;
  let slot = slots.get(key);
  if (slot === undefined) {
    if (slots.size >= MAX_CACHED_SLOTS) slots.clear();
    slot = findLocalHour(date, hour, timeZone);
    slots.set(key, slot);
  }
  return slot;
}

function findLocalHour(date: { year: number; month: number; day: number }, hour: number, timeZone: string): number {
  for (let tried = hour; tried < hour + 24; tried += 1) {
    const wanted = Date.UTC(date.year, date.month - 1, date.day, tried);
    // The offsets a day before and after cover both sides of any change of the zone's offset.
    const candidates = [offsetAt(wanted - DAY_MS, timeZone), offsetAt(wanted, timeZone), offsetAt(wanted + DAY_MS, timeZone)]
      .map((offset) => wanted - offset)
      .filter((instant) => {
        const wall = wallClock(instant, timeZone);
        return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) === wanted;
      });
    if (candidates.length) return Math.min(...candidates);
  }
  throw new Error(`cadence: no hour of ${date.year}-${date.month}-${date.day} exists in ${timeZone}`);
}

/** When a daily or weekly rhythm is next due: the first slot strictly after `after`. */
export function nextDigestTime(rhythm: Rhythm, after: number): number {
  const today = wallClock(after, rhythm.timezone);
  for (let days = 0; days <= 8; days += 1) {
    // Calendar arithmetic on the local date: UTC noon never crosses a date line by accident.
    const noon = new Date(Date.UTC(today.year, today.month - 1, today.day + days, 12));
    const date = { year: noon.getUTCFullYear(), month: noon.getUTCMonth() + 1, day: noon.getUTCDate() };
    if (rhythm.frequency === 'weekly' && (noon.getUTCDay() || 7) !== rhythm.weekday) continue;
    const slot = localHourOn(date, rhythm.hour, rhythm.timezone);
    if (slot > after) return slot;
  }
  throw new Error(`cadence: no slot found after ${new Date(after).toISOString()}`);
}

/** The hour NEWSLETTER_CRON sends at, for subscribers who choose a rhythm but not an hour. */
export function cronHour(expression: string): number {
  const fields = expression.trim().split(/\s+/);
  const hour = fields[fields.length === 6 ? 2 : 1];
  return hour && /^\d{1,2}$/.test(hour) && Number(hour) < 24 ? Number(hour) : 8;
}
