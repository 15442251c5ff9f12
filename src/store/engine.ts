// The embedded engine under the repositories: records in memory, every change appended to one
// journal (group fsync) and applied only once it is durable, and the snapshot files brought up
// to date in the background (compaction). A change costs its own size; a snapshot is written a
// record at a time; a start reads the snapshots and replays what the journal holds beyond them.
//
// A snapshot is fuzzy: it names journal entry S, and is then written from the live records while
// changes go on, so each record in it is as it was at S or as a later acknowledged change left
// it. Replaying the entries after S at start makes it exact, because every entry holds whole
// records (a put or a deletion), which give the same result applied once or twice. So taking a
// snapshot costs nothing at S: no copy of a million records while the event loop waits.
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { StreamingJSONFile, type SnapshotDocument } from './json-document.js';
import type { Collection, Engine, RecordChange } from './collections.js';
import { admitChanges } from './collections.js';
import { Journal, readJournal } from './journal.js';

/**
 * The journal is folded into the snapshots once its current file passes this size, or a quarter
 * of the snapshots' size when that is more. A compaction rewrites the snapshots it touches whole,
 * so it writes at most 4 bytes per byte of changes however large the store grows (with 64 MB
 * alone, a million subscribers' 315 MB were rewritten for every 64 MB of changes, and ten
 * million would have been 3 GB), and a start replays at most a quarter more than it reads.
 */
export const COMPACT_AFTER_BYTES = 64 << 20;
const SNAPSHOT_BYTES_PER_JOURNAL_BYTE = 4;

const SEGMENT = /^store\.journal\.(\d+)\.jsonl$/;
const segmentName = (number: number) => `store.journal.${String(number).padStart(6, '0')}.jsonl`;

/** One snapshot file: its name, its schema version, and the collections it holds, in order. */
export interface SnapshotSpec {
  file: string;
  version: number;
  collections: string[];
}

interface SnapshotState extends SnapshotSpec {
  /** The last journal entry the file on disk holds. */
  coveredSeq: number;
  /** The last journal entry that changed one of its collections. */
  changedSeq: number;
  /** Missing or of an older version: written at the next compaction. */
  outdated: boolean;
  /** The file's size on disk, as last read or written. */
  bytes: number;
}

export interface EngineOptions {
  compactAfterBytes?: number;
  /** Records of arrays that older files held and this version keeps elsewhere (by array name). */
  legacy?: Record<string, (record: unknown) => void>;
  /**
   * Runs after the snapshots are read and before the journal is replayed (older files'
   * upgrades): each file's version on disk (-1: none) and top-level fields; `put` replaces a
   * loaded record.
   */
  migrate?: (files: ReadonlyMap<string, LoadedFile>, put: (collection: string, record: object) => void) => Promise<void>;
  onCompactionError?: (err: unknown) => void;
}

export interface LoadedFile {
  version: number;
  scalars: Record<string, unknown>;
}

export class StoreEngine implements Engine {
  private readonly collections = new Map<string, { collection: Collection; snapshot: SnapshotState }>();
  private readonly snapshots: SnapshotState[];
  private journal!: Journal;
  private segment = 0;
  private compacting: Promise<void> | undefined;
  /** The compaction waiting for the one under way: it serves every caller until it starts. */
  private queuedCompaction: Promise<void> | undefined;
  private compactionError: unknown;
  /** True when the store files did not exist before this start. */
  created = false;

  constructor(
    private readonly dataDir: string,
    specs: SnapshotSpec[],
    private readonly options: EngineOptions = {},
  ) {
    this.snapshots = specs.map((spec) => ({ ...spec, coveredSeq: 0, changedSeq: 0, outdated: false, bytes: 0 }));
  }

  register(collection: Collection): void {
    const snapshot = this.snapshots.find((spec) => spec.collections.includes(collection.name));
    if (!snapshot) throw new Error(`store: no snapshot file holds ${collection.name}`);
    this.collections.set(collection.name, { collection: collection as Collection, snapshot });
  }

  /** Every collection the repositories registered, loaded once open (what a copy to PostgreSQL reads). */
  registered(): Collection[] {
    return [...this.collections.values()].map(({ collection }) => collection);
  }

  /** Reads every snapshot, upgrades older ones, replays the journal; refuses newer files. */
  async open(): Promise<void> {
    const files = new Map<string, LoadedFile>();
    for (const snapshot of this.snapshots) files.set(snapshot.file, await this.load(snapshot));
    this.created = [...files.values()].every((file) => file.version === -1);
    await this.options.migrate?.(files, (collection, record) => this.collections.get(collection)!.collection.put(Object.freeze(record)));
    // Numbers go on from the snapshots' even when no journal file is left.
    let lastSeq = Math.max(...this.snapshots.map((snapshot) => snapshot.coveredSeq));
    for (const number of await this.segmentNumbers()) {
      this.segment = number;
      await readJournal(this.segmentPath(number), (line) => {
        for (const change of line.changes as RecordChange[]) {
          const target = this.collections.get(change.collection);
          if (target && line.seq > target.snapshot.coveredSeq) this.apply(change, line.seq);
        }
        lastSeq = Math.max(lastSeq, line.seq);
      });
    }
    // Appends start in a new file: whatever a crash tore at the end of the last one stays behind.
    this.segment += 1;
    this.journal = new Journal(this.segmentPath(this.segment), 0, lastSeq);
    if (this.snapshots.some((snapshot) => snapshot.outdated)) await this.compact();
  }

  /** Resolves once the changes are on disk and visible; nothing is visible if it rejects. */
  commit(changes: readonly RecordChange[]): Promise<void> {
    admitChanges(changes);
    const entry = { changes: changes.map(({ collection, id, record }) => (record === undefined ? { collection, id } : { collection, id, record })) };
    return this.journal.append(entry, (seq) => {
      for (const change of changes) this.apply(change, seq);
      this.announce(changes);
      this.compactWhenDue();
    });
  }

  /**
   * Writes every snapshot that the journal has changed, then deletes the journal files they
   * now cover. Runs in the background; a call during one gets the next, which starts after it
   * (one for all such calls: ten erasures at once cost two compactions, not ten).
   */
  compact(): Promise<void> {
    if (this.queuedCompaction) return this.queuedCompaction;
    const previous = this.compacting;
    const run = (previous ?? Promise.resolve()).catch(() => undefined).then(() => {
      // Started: what is acknowledged from now on may come after its journal entry, so a later
      // call queues the next compaction.
      if (this.queuedCompaction === tracked) this.queuedCompaction = undefined;
      return this.writeSnapshots();
    });
    const tracked = run.then(
      () => void (this.compactionError = undefined),
      (err: unknown) => {
        this.compactionError = err;
        throw err;
      },
    );
    this.compacting = tracked;
    if (previous) this.queuedCompaction = tracked;
    void tracked
      .catch(() => undefined)
      .finally(() => {
        if (this.compacting === tracked) this.compacting = undefined;
      });
    return tracked;
  }

  /** False while the journal cannot be written or the last compaction failed (for /healthz). */
  async isHealthy(): Promise<boolean> {
    // A compaction that failed is tried again now: the answer after it tells whether the disk is back.
    if (this.compactionError !== undefined && !this.compacting) this.compact().catch(() => undefined);
    return this.compactionError === undefined && (await this.journal.canWrite());
  }

  /** Waits for every acknowledged change and a compaction under way. */
  async close(): Promise<void> {
    await this.journal.settled();
    await this.compacting?.catch(() => undefined);
  }

  private apply(change: RecordChange, seq: number): void {
    const target = this.collections.get(change.collection);
    if (!target) throw new Error(`store: unknown collection ${change.collection}`);
    target.snapshot.changedSeq = seq;
    if (change.record === undefined) target.collection.delete(change.id);
    else target.collection.put(Object.freeze(change.record));
  }

  /** Tells each collection that a commit touched that it is applied. */
  private announce(changes: readonly RecordChange[]): void {
    for (const name of new Set(changes.map((change) => change.collection))) this.collections.get(name)?.collection.applied?.();
  }

  /** Loads one snapshot; its version on disk is -1 when it did not exist. */
  private async load(snapshot: SnapshotState): Promise<LoadedFile> {
    const missing: SnapshotDocument = { scalars: {}, arrays: {} };
    const filePath = path.join(this.dataDir, snapshot.file);
    const file = new Low<SnapshotDocument>(new StreamingJSONFile(filePath), missing);
    await file.read();
    const exists = file.data !== missing;
    if (exists) snapshot.bytes = (await stat(filePath)).size;
    const { scalars, arrays } = file.data;
    for (const [key, records] of Object.entries(arrays)) {
      const target = snapshot.collections.includes(key) ? this.collections.get(key) : undefined;
      for (const record of records) {
        if (target) target.collection.put(Object.freeze(record));
        else this.options.legacy?.[key]?.(record);
      }
    }
    const version = exists ? ((scalars.schemaVersion as number | undefined) ?? 0) : -1;
    if (version > snapshot.version) {
      throw new Error(`store: ${snapshot.file} has schema version ${version}, this Notiziario understands up to ${snapshot.version}`);
    }
    // Sequence numbers of an older version's own journal mean nothing to this one.
    snapshot.coveredSeq = version === snapshot.version ? ((scalars.journalSeq as number | undefined) ?? 0) : 0;
    snapshot.outdated = version !== snapshot.version;
    return { version, scalars };
  }

  private compactWhenDue(): void {
    const snapshotBytes = this.snapshots.reduce((sum, snapshot) => sum + snapshot.bytes, 0);
    const due = Math.max(this.options.compactAfterBytes ?? COMPACT_AFTER_BYTES, snapshotBytes / SNAPSHOT_BYTES_PER_JOURNAL_BYTE);
    if (this.compacting || this.journal.size < due) return;
    this.compact().catch((err: unknown) => this.options.onCompactionError?.(err));
  }

  private async writeSnapshots(): Promise<void> {
    this.segment += 1;
    const current = this.segment;
    const plan = await this.journal.rotate(this.segmentPath(current), (seq) => ({
      seq,
      // Named at one instant, between two journal entries: the files hold at least everything up
      // to `seq`, and the journal from `seq` on is kept (see the top of this file).
      dumps: this.snapshots
        .filter((snapshot) => snapshot.outdated || snapshot.changedSeq > snapshot.coveredSeq)
        .map((snapshot) => ({ snapshot, arrays: Object.fromEntries(snapshot.collections.map((name) => [name, this.collections.get(name)?.collection.records() ?? []])) })),
    }));
    for (const { snapshot, arrays } of plan.dumps) {
      const filePath = path.join(this.dataDir, snapshot.file);
      const file = new Low<SnapshotDocument>(new StreamingJSONFile(filePath), { scalars: { schemaVersion: snapshot.version, journalSeq: plan.seq }, arrays });
      await file.write();
      snapshot.bytes = (await stat(filePath)).size;
      snapshot.coveredSeq = plan.seq;
      snapshot.outdated = false;
    }
    for (const number of await this.segmentNumbers()) if (number < current) await unlink(this.segmentPath(number));
  }

  private async segmentNumbers(): Promise<number[]> {
    const names = await readdir(this.dataDir);
    return names.flatMap((name) => SEGMENT.exec(name)?.[1] ?? []).map(Number).sort((a, b) => a - b);
  }

  private segmentPath(number: number): string {
    return path.join(this.dataDir, segmentName(number));
  }
}
