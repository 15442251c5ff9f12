// When a cron expression fires next, as the scheduler's node-cron reads it. node-cron's own
// getNextRun counts from the machine's clock; the console counts from the injected one, so the
// candidate times come from node-cron's parse of the fields, and a (never started) task's
// matcher decides which candidate is a run: its reading of L, W, # and day rules stays its own.
import cron from 'node-cron';
import { localHourOn, wallClock } from '../domain/cadence.js';

/** 29 February comes round within eight years. */
const SEARCHED_DAYS = 8 * 366;
const ascending = (values: readonly (number | string)[]) => values.filter((value): value is number => typeof value === 'number').sort((a, b) => a - b);

/** The first time after `after` at which `expression` fires in `timeZone`; undefined if none within eight years. */
export function nextCronRun(expression: string, timeZone: string, after: Date): Date | undefined {
  const fields = cron.parse(expression);
  const [months, hours, minutes, seconds] = [fields.month, fields.hour, fields.minute, fields.second].map(ascending) as [number[], number[], number[], number[]];
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const today = wallClock(after.getTime(), timeZone);
    for (let days = 0; days < SEARCHED_DAYS; days += 1) {
      // Calendar arithmetic on the local date: UTC noon never crosses a date line by accident.
      const noon = new Date(Date.UTC(today.year, today.month - 1, today.day + days, 12));
      const date = { year: noon.getUTCFullYear(), month: noon.getUTCMonth() + 1, day: noon.getUTCDate() };
      if (!months.includes(date.month)) continue;
      for (const hour of hours) {
        const start = localHourOn(date, hour, timeZone);
        for (const minute of minutes) {
          for (const second of seconds) {
            const candidate = new Date(start + minute * 60_000 + second * 1000);
            if (candidate > after && task.match(candidate)) return candidate;
          }
        }
      }
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}
