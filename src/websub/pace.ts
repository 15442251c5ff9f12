// How pushes share the event loop with the service's own requests, judged by how busy the loop
// was over the last SAMPLE_MS. While it has time to spare, up to the maximum of pushes are under
// way and one starts every turn of the loop. While it is busy, the pushes under way halve (down to
// a floor) and the turns between two starts double (up to a ceiling): a turn of a busy loop
// answers many requests, so a fan-out to thousands then takes a small share of each instead of
// half of it. Slow remote callbacks (which cost waiting, not work) still get many places, and a
// few dead ones never hold every place.
import { performance } from 'node:perf_hooks';

/** Above this share of busy time, the event loop is busy. */
const BUSY_UTILISATION = 0.75;
const SAMPLE_MS = 50;
/** Places kept however busy the loop is: each dead callback holds one for up to its timeout. */
export const MIN_PUSHES_UNDER_WAY = 8;
/** The most turns of a busy loop between two push starts. */
export const MAX_TURNS_BETWEEN_PUSHES = 8;

export interface Pace {
  /** The pushes allowed under way now. */
  allowed(): number;
  /** The turns of the event loop from one push start to the next, now: 1 while it has time to spare. */
  turnsBetween(): number;
}

export function createPace(maximum: number): Pace {
  let limit = maximum;
  let turns = 1;
  let sampledAt = performance.now();
  let last = performance.eventLoopUtilization();

  function sample(): void {
    const now = performance.now();
    if (now - sampledAt < SAMPLE_MS) return;
    const current = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(current, last).utilization > BUSY_UTILISATION;
    limit = busy ? Math.max(MIN_PUSHES_UNDER_WAY, limit >> 1) : Math.min(maximum, limit * 2);
    turns = busy ? Math.min(MAX_TURNS_BETWEEN_PUSHES, turns * 2) : Math.max(1, turns >> 1);
    last = current;
    sampledAt = now;
  }

  return {
    allowed() {
      sample();
      return limit;
    },
    turnsBetween() {
      sample();
      return turns;
    },
  };
}
