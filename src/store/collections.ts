// What a repository sees of the engine under it: collections of records kept in memory, and
// commits that make a list of record changes durable before they are applied. The embedded
// engine (engine.ts: journal and snapshots in DATA_DIR) and the PostgreSQL one (postgres/) both
// offer this; no repository knows which one it has.
import { getHeapStatistics } from 'node:v8';

/** What a repository hands the engine for each kind of record it keeps. */
export interface Collection<R = unknown> {
  readonly name: string;
  /** Adds or replaces a record (frozen: nobody changes it in place). */
  put(record: R): void;
  delete(id: string): void;
  /**
   * Every record, in the order the snapshot should list them: a copy, or a live iterator (of a
   * Map, whose iterators survive changes) that the embedded engine reads in slices while changes go on.
   */
  records(): Iterable<R>;
  /**
   * Called once a whole commit has been applied, whoever wrote it (this process, or another
   * instance on the same database): a repository tells its listeners here.
   */
  applied?(): void;
}

export interface RecordChange {
  collection: string;
  id: string;
  /** The new record; absent for a deletion. */
  record?: unknown;
}

export interface Engine {
  /** True on the first start, when the store did not exist before. */
  readonly created: boolean;
  register(collection: Collection): void;
  /** Loads every collection; nothing may be read before. */
  open(): Promise<void>;
  /** Resolves once the changes are durable and applied; nothing is applied if it rejects. */
  commit(changes: readonly RecordChange[]): Promise<void>;
  /** Makes sure no stored file or table keeps what was deleted (after an erasure). */
  compact(): Promise<void>;
  /** False while the engine cannot write (for /healthz). */
  isHealthy(): Promise<boolean>;
  /** Waits for every acknowledged change, then lets go of files and connections. */
  close(): Promise<void>;
}

export class StoreFullError extends Error {
  constructor() {
    super('store: memory is nearly full; no new records are taken (give Node more memory with --max-old-space-size, or move to a larger store)');
  }
}

/** New records are refused once the heap is this full: well before V8 gives up. */
const HEAP_REFUSAL_RATIO = 0.85;

/**
 * What both engines do to a commit before writing it: they keep every record in memory, so a
 * change that adds records is refused when the heap is nearly full; and the records are frozen
 * (nobody changes them in place once handed over).
 */
export function admitChanges(changes: readonly RecordChange[]): void {
  if (changes.some((change) => change.record !== undefined)) {
    const heap = getHeapStatistics();
    if (heap.used_heap_size > heap.heap_size_limit * HEAP_REFUSAL_RATIO) throw new StoreFullError();
  }
  for (const change of changes) if (change.record !== undefined) Object.freeze(change.record);
}

/** Thrown when a unique rule (one subscriber per address) refuses a change. */
export class AddressTakenError extends Error {
  constructor() {
    super('store: this address is already on the list');
  }
}
