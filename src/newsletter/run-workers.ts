// How a run works through its deliveries: a few at a time, stopping cleanly on a stop or an
// error, and the writes it goes on without waiting for, waited for before it counts.
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
 * Works through the items, `limit` at a time, taking no new item once `shouldStop` says so. On
 * an error every worker stops taking items, and the error is thrown once all have stopped, so
 * nothing goes on sending after the run has given up.
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, shouldStop: () => boolean, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !shouldStop() && !failed) {
      try {
        await work(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;
}
