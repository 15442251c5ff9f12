// How a run works through its deliveries: claimed a few at a time (instances on one database
// share a run), sent a few at a time, stopping cleanly on a stop or an error, and the writes it
// goes on without waiting for, waited for before it counts.
import type { DeliveryRecord } from '../domain/newsletter.js';
import type { NewsletterDeps } from './deps.js';

export interface TrailingWrites {
  add(write: Promise<void>): void;
  /** Throws the first failure of a write added so far. */
  check(): void;
  /** Waits for every write added; throws the first failure. */
  settled(): Promise<void>;
}

/** Writes a run goes on without waiting for; it waits for all of them before it counts. */
export function createTrailingWrites(): TrailingWrites {
  const pending = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  const check = () => {
    if (failure) throw failure.err;
  };
  return {
    add(write) {
      const tracked: Promise<void> = write.then(
        () => void pending.delete(tracked),
        (err: unknown) => {
          failure ??= { err };
          pending.delete(tracked);
        },
      );
      pending.add(tracked);
    },
    check,
    async settled() {
      await Promise.all(pending);
      check();
    },
  };
}

/**
 * Works through what `next` hands out, `limit` at a time, taking no new item once `shouldStop`
 * says so. On an error every worker stops taking items, and the error is thrown once all have
 * stopped, so nothing goes on sending after the run has given up.
 */
export async function forEachConcurrently<T>(next: () => Promise<T | undefined>, limit: number, shouldStop: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
  let failed = false;
  const worker = async () => {
    while (!shouldStop() && !failed) {
      try {
        const item = await next();
        if (item === undefined) return;
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: limit }, worker));
  const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;
}

export interface Claims {
  /** The next delivery to send, claimed a few ahead; undefined when none is left to claim. */
  next(): Promise<DeliveryRecord | undefined>;
  /**
   * A delivery handed out is done once `recorded` (the write of its final state) settles: the
   * store hands it out no more, so this sender stops remembering it (a run's memory stays flat).
   */
  done(delivery: DeliveryRecord, recorded: Promise<void>): void;
  /** Gives back what was claimed and not handed out (a stop, an error): nobody waits for its lease. */
  release(): Promise<void>;
}

/**
 * The run's open deliveries, claimed a few at a time as the senders need them: another instance
 * sending the same run takes others, and what a dead sender held is free again after its lease.
 */
export function claimDeliveries(ctx: Pick<NewsletterDeps, 'clock' | 'store'>, runId: string, inFlight: number, leaseMs: number): Claims {
  const claimed: DeliveryRecord[] = [];
  /**
   * Ids this sender has taken and not yet recorded: a claim of its own that ran out (a stalled
   * SMTP server) is not taken twice.
   */
  const taken = new Set<string>();
  let claiming: Promise<void> | undefined;
  let exhausted = false;
  const claimMore = () =>
    (claiming ??= (async () => {
      const now = ctx.clock();
      const more = await ctx.store.newsletter.claimDeliveries(runId, inFlight, now, new Date(now.getTime() + leaseMs));
      const fresh = more.filter((delivery) => !taken.has(delivery.id));
      if (fresh.length === 0) exhausted = true;
      for (const delivery of fresh) taken.add(delivery.id);
      claimed.push(...fresh);
    })().finally(() => (claiming = undefined)));
  return {
    async next() {
      while (claimed.length === 0 && !exhausted) await claimMore();
      // The next few are claimed while these are sent.
      if (claimed.length <= inFlight / 2 && !exhausted) void claimMore().catch(() => undefined);
      return claimed.shift();
    },
    done(delivery, recorded) {
      // A write that failed stops the run; the id stays taken until then.
      recorded.then(() => taken.delete(delivery.id), () => undefined);
    },
    async release() {
      exhausted = true;
      await claiming?.catch(() => undefined);
      const left = claimed.splice(0);
      if (left.length) await ctx.store.newsletter.releaseDeliveries(left);
    },
  };
}

