// The rhythm part of the subscribe form and the preference centre, as templates see it: the
// frequencies, hours, weekdays and time zones (grouped by region, labelled by city), each with
// what is selected. It works without JavaScript; public/assets/time-zone.js pre-selects the
// browser's zone on the subscribe form.
import type { Config } from '../../config.js';
import { cronHour, FREQUENCIES, isTimeZone, type Rhythm } from '../../domain/cadence.js';
import type { RhythmText } from '../../i18n/rhythm-text.js';

export interface RhythmChoice {
  value: string;
  label: string;
  selected: boolean;
}

export interface ZoneGroup {
  label: string;
  zones: RhythmChoice[];
}

export interface RhythmFormView {
  frequencies: RhythmChoice[];
  hours: RhythmChoice[];
  weekdays: RhythmChoice[];
  zoneGroups: ZoneGroup[];
  /** True when the reader has not chosen a zone yet: the script may pre-select theirs. */
  suggestZone: boolean;
}

/** The rhythm fields as posted by a form, as strings (checked by the subscription functions). */
export type PostedRhythm = Partial<Record<'frequency' | 'hour' | 'weekday' | 'timezone', string>>;

export function postedRhythm(body: unknown): PostedRhythm {
  const posted: PostedRhythm = {};
  // "As now, with the site's newsletter": a subscriber without a rhythm keeps it that way.
  if ((body as Record<string, unknown> | undefined)?.frequency === SITE_SCHEDULE) return posted;
  for (const field of ['frequency', 'hour', 'weekday', 'timezone'] as const) {
    const value = (body as Record<string, unknown> | undefined)?.[field];
    if (typeof value === 'string') posted[field] = value;
  }
  return posted;
}

/** The frequency value of the choice to stay on NEWSLETTER_CRON (offered to those who never chose). */
const SITE_SCHEDULE = '';

/**
 * Zones that IANA renamed but Node 20's ICU still lists under their old name: offered under
 * the new one (both are accepted, and name the same rules).
 */
const RENAMED_ZONES: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'America/Godthab': 'America/Nuuk',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** One name per zone, whichever alias was given (Kolkata and Calcutta are one zone). */
const canonical = (zone: string) => new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;

/** Every zone the runtime knows, by region, built once per language. */
const zoneLists = new Map<string, { region: string; label: string; zone: string }[]>();

function zonesByRegion(text: RhythmText) {
  let zones = zoneLists.get(text.otherZones);
  if (!zones) {
    zones = Intl.supportedValuesOf('timeZone').map((listed) => {
      const zone = RENAMED_ZONES[listed] ?? listed;
      const [region, ...place] = zone.split('/');
      // "America/Argentina/Buenos_Aires" reads "Buenos Aires (Argentina)".
      const city = place.at(-1)?.replaceAll('_', ' ');
      const within = place.slice(0, -1).map((part) => part.replaceAll('_', ' '));
      return city ? { region: text.regions[region!] ?? region!, label: within.length ? `${city} (${within.join(', ')})` : city, zone } : { region: text.otherZones, label: zone, zone };
    });
    zones.sort((a, b) => a.region.localeCompare(b.region) || a.label.localeCompare(b.label));
    zoneLists.set(text.otherZones, zones);
  }
  return zones;
}

/** Weekday names in the site's language, Monday first (1 = Monday … 7 = Sunday). */
function weekdayNames(language: string): string[] {
  const format = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' });
  // 5 January 2026 is a Monday.
  return Array.from({ length: 7 }, (_, index) => format.format(Date.UTC(2026, 0, 5 + index)));
}

/**
 * The choices, with `chosen` (posted or saved) selected, or the site's defaults. `siteSchedule`:
 * a subscriber who never chose may keep the site's newsletter, and that is what is selected.
 */
export function rhythmFormView(config: Pick<Config, 'newsletterCron' | 'timezone' | 'siteLanguage'>, text: RhythmText, chosen: PostedRhythm | Rhythm | undefined, siteSchedule = false): RhythmFormView {
  const frequency = String(chosen?.frequency ?? (siteSchedule ? SITE_SCHEDULE : 'daily'));
  const hour = String(chosen?.hour ?? cronHour(config.newsletterCron));
  const weekday = String(chosen?.weekday ?? 1);
  const timezone = chosen?.timezone ?? config.timezone;
  const wanted = isTimeZone(timezone) ? canonical(timezone) : undefined;
  const groups = new Map<string, RhythmChoice[]>();
  const zones = zonesByRegion(text);
  // The site's zone (e.g. UTC) may be missing from the runtime's list of canonical names.
  const listed = !wanted || zones.some((entry) => entry.zone === timezone) ? zones : [...zones, { region: text.otherZones, label: timezone, zone: timezone }];
  // An alias saved through the API (Asia/Calcutta) selects the zone offered under its new name.
  const selectedZone = listed.find((entry) => entry.zone === timezone)?.zone ?? listed.find((entry) => canonical(entry.zone) === wanted)?.zone;
  for (const entry of listed) {
    if (!groups.has(entry.region)) groups.set(entry.region, []);
    groups.get(entry.region)!.push({ value: entry.zone, label: entry.label, selected: entry.zone === selectedZone });
  }
  return {
    frequencies: [...(siteSchedule ? [{ value: SITE_SCHEDULE, label: text.siteSchedule, selected: frequency === SITE_SCHEDULE }] : []), ...FREQUENCIES.map((value) => ({ value, label: text.frequencies[value], selected: value === frequency }))],
    hours: Array.from({ length: 24 }, (_, index) => ({ value: String(index), label: `${String(index).padStart(2, '0')}:00`, selected: String(index) === hour })),
    weekdays: weekdayNames(config.siteLanguage).map((label, index) => ({ value: String(index + 1), label, selected: String(index + 1) === weekday })),
    zoneGroups: [...groups].map(([label, choices]) => ({ label, zones: choices })),
    suggestZone: chosen?.timezone === undefined,
  };
}
