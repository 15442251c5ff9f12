// Dates as a datetime-local field shows them: the wall clock in TIMEZONE, to the minute.
import { wallClock } from './cadence.js';

const pad = (value: number) => String(value).padStart(2, '0');

/** `2026-11-27T10:30` for this instant, read on a clock in `timeZone`. */
export function toLocalInput(iso: string, timeZone: string): string {
  const wall = wallClock(Date.parse(iso), timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** The instant a clock in `timeZone` reads `2026-11-27T10:30`; undefined for anything else. */
export function fromLocalInput(value: string, timeZone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(wanted)) return undefined;
  // Twice: the offset at the first guess may differ from the offset at the answer (a DST change).
  let instant = wanted;
  for (let round = 0; round < 2; round += 1) {
    const wall = wallClock(instant, timeZone);
    instant += wanted - Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  }
  return new Date(instant);
}
