// How many pushes may be under way at once: up to the maximum while the event loop has time
// to spare, halving (down to a floor) while it is busy. A fan-out to thousands then takes what
// the service's own requests leave, slow remote callbacks (which cost waiting, not work) still
// get many at once, and a few dead callbacks never hold every place.
import { performance } from 'node:perf_hooks';

/** Above this share of busy time, the event loop is busy. */
const BUSY_UTILISATION = 0.75;
const SAMPLE_MS = 50;
/** Places kept however busy the loop is: each dead callback holds one for up to its timeout. */
export const MIN_PUSHES_UNDER_WAY = 8;

export interface Pace {
  /** The pushes allowed under way now. */
  allowed(): number;
}

export function createPace(maximum: number): Pace {
  let limit = maximum;
  let sampledAt = performance.now();
  let last = performance.eventLoopUtilization();
  return {
    allowed() {
      const now = performance.now();
      if (now - sampledAt >= SAMPLE_MS) {
        const current = performance.eventLoopUtilization();
        const busy = performance.eventLoopUtilization(current, last).utilization > BUSY_UTILISATION;
        limit = busy ? Math.max(MIN_PUSHES_UNDER_WAY, limit >> 1) : Math.min(maximum, limit * 2);
        last = current;
        sampledAt = now;
      }
      return limit;
    },
  };
}
