// The PostgreSQL engine under the repositories: the same collections in memory as the embedded
// engine, with the database as the durable, shared copy. A commit is one statement, so one
// transaction (commits that arrive meanwhile go together, as in the journal): it takes the commit
// lock, reads what other instances committed since this one last looked, writes its records, and
// appends the keys it changed to the change log with the next sequence number, then NOTIFY. Every instance
// applies the log in sequence order, so each one's memory goes through the same states; a
// notification only says "look", so a lost one is made up by the next look.
import type { Sql } from 'postgres';
import type { Collection, Engine, RecordChange } from '../collections.js';
import { AddressTakenError, admitChanges } from '../collections.js';
import { CHANGES_CHANNEL, migrate } from './migrations.js';

/** Records read per round trip when an instance starts. */
const LOAD_BATCH = 5000;
/** The change log is trimmed of entries older than this (an instance further behind restarts). */
const CHANGE_LOG_HOURS = 1;
const TRIM_EVERY_COMMITS = 1000;
/** How often an instance looks at the change log without being told (a lost notification). */
const LOOK_EVERY_MS = 5000;
/**
 * How long a notification waits before this instance looks: a commit of its own meanwhile brings
 * the same changes (during a shared run, both instances commit every few milliseconds).
 */
const LOOK_AFTER_MS = 25;

interface Waiting {
  changes: readonly RecordChange[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface ChangedRow {
  seq: string;
  collection: string;
  id: string;
  record: unknown;
}

export class PostgresEngine implements Engine {
  created = false;
  private readonly collections = new Map<string, Collection>();
  private lastSeq = 0;
  private waiting: Waiting[] = [];
  private busy: Promise<void> | undefined;
  private lookWanted = false;
  /** The highest sequence number another instance announced. */
  private announcedSeq = 0;
  private lookSoon: NodeJS.Timeout | undefined;
  private commits = 0;
  private unlisten: (() => Promise<void>) | undefined;
  private lookTimer: NodeJS.Timeout | undefined;
  private fault: unknown;

  constructor(
    private readonly sql: Sql,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  register(collection: Collection): void {
    this.collections.set(collection.name, collection);
  }

  /** Migrates, then loads every collection as of one instant and starts following the change log. */
  async open(): Promise<void> {
    this.created = await migrate(this.sql);
    await this.sql.begin('isolation level repeatable read read only', async (tx) => {
      const [state] = await tx<{ seq: string }[]>`select coalesce(max(seq), 0)::text as seq from changes`;
      this.lastSeq = Number(state!.seq);
      for (const [name, collection] of this.collections) {
        await tx<{ record: unknown }[]>`select record from records where collection = ${name} order by position`.cursor(LOAD_BATCH, (rows) => {
          for (const { record } of rows) collection.put(Object.freeze(record));
        });
      }
    });
    const listening = await this.sql.listen(CHANGES_CHANNEL, (seq) => this.announced(Number(seq)), () => this.lookNow());
    this.unlisten = listening.unlisten;
    this.lookTimer = setInterval(() => this.lookNow(), LOOK_EVERY_MS);
    this.lookTimer.unref();
  }

  commit(changes: readonly RecordChange[]): Promise<void> {
    admitChanges(changes);
    if (changes.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ changes, resolve, reject });
      this.drain();
    });
  }

  /** PostgreSQL keeps no copy of a deleted row once vacuumed: after an erasure, vacuum now. */
  async compact(): Promise<void> {
    await this.sql`vacuum records`;
  }

  async isHealthy(): Promise<boolean> {
    if (this.fault !== undefined) return false;
    try {
      await this.sql`select 1`;
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.lookTimer);
    clearTimeout(this.lookSoon);
    while (this.busy) await this.busy;
    await this.unlisten?.().catch(() => undefined);
  }

  /** Another instance committed `seq`: looked at shortly, unless a commit of this one brought it first. */
  private announced(seq: number): void {
    this.announcedSeq = Math.max(this.announcedSeq, seq);
    if (seq <= this.lastSeq || this.lookSoon) return;
    this.lookSoon = setTimeout(() => {
      this.lookSoon = undefined;
      if (this.announcedSeq > this.lastSeq) this.lookNow();
    }, LOOK_AFTER_MS);
  }

  /** A timer or a reconnection (a notification may have been lost), or an announced commit still missing. */
  private lookNow(): void {
    this.lookWanted = true;
    this.drain();
  }

  /** One transaction or one look at a time, so changes are applied in sequence order. */
  private drain(): void {
    if (this.busy || (this.waiting.length === 0 && !this.lookWanted)) return;
    const group = this.waiting.splice(0);
    this.lookWanted = false;
    const work = group.length ? this.writeGroup(group) : this.look();
    this.busy = work
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.busy = undefined;
        this.drain();
      });
  }

  private async look(): Promise<void> {
    // The records changed after what this instance has applied, as they are now, in sequence order.
    const rows = await this.sql<ChangedRow[]>`select seq::text as seq, collection, id, record from notiziario_changes_since(${this.lastSeq})`;
    this.applyRows(rows);
  }

  /** Writes a group in one transaction; if it fails, each commit alone, so one refusal stays its own. */
  private async writeGroup(group: Waiting[]): Promise<void> {
    try {
      await this.write(group.flatMap((waiting) => waiting.changes));
      for (const waiting of group) waiting.resolve();
    } catch (err) {
      if (group.length === 1) return group[0]!.reject(refusal(err));
      for (const waiting of group) {
        await this.write(waiting.changes).then(waiting.resolve, (alone: unknown) => waiting.reject(refusal(alone)));
      }
    }
  }

  private async write(changes: readonly RecordChange[]): Promise<void> {
    // The last change of a record in the group is what is written.
    const last = new Map<string, RecordChange>();
    for (const change of changes) last.set(`${change.collection}\u0000${change.id}`, change);
    const puts = [...last.values()].filter((change) => change.record !== undefined);
    const deletions = [...last.values()].filter((change) => change.record === undefined).map(({ collection, id }) => ({ collection, id }));
    const keys = [...last.values()].map(({ collection, id }) => ({ collection, id }));
    // One statement, so one transaction: see notiziario_commit in migrations.ts. Its last row is this commit's own number.
    const rows = await this.sql<ChangedRow[]>`select seq::text as seq, collection, id, record
      from notiziario_commit(${this.lastSeq}, ${this.sql.json(puts as never)}, ${this.sql.json(deletions)}, ${this.sql.json(keys)})`;
    const seq = Number(rows.pop()!.seq);
    this.applyRows(rows);
    this.apply(changes, seq);
    if (++this.commits % TRIM_EVERY_COMMITS === 0) await this.trimLog(seq);
  }

  /** The change log keeps CHANGE_LOG_HOURS, trimmed a bounded slice at a time. */
  private async trimLog(seq: number): Promise<void> {
    await this.sql`delete from changes where seq in (select seq from changes order by seq limit ${TRIM_EVERY_COMMITS * 10})
                   and at < now() - make_interval(hours => ${CHANGE_LOG_HOURS}) and seq < ${seq}`;
  }

  private applyRows(rows: readonly ChangedRow[]): void {
    if (rows.length === 0) return;
    const first = Number(rows[0]!.seq);
    if (first !== this.lastSeq + 1) {
      // The log was trimmed past what this instance applied: its memory can no longer be trusted.
      this.fault = new Error(`store: this instance is behind the change log (it applied ${this.lastSeq}, the log starts at ${first}); restart it`);
      throw this.fault;
    }
    let seq = this.lastSeq;
    let batch: RecordChange[] = [];
    for (const row of rows) {
      const rowSeq = Number(row.seq);
      if (rowSeq !== seq && batch.length) {
        this.apply(batch, seq);
        batch = [];
      }
      seq = rowSeq;
      batch.push(row.record === null ? { collection: row.collection, id: row.id } : { collection: row.collection, id: row.id, record: row.record });
    }
    this.apply(batch, seq);
  }

  private apply(changes: readonly RecordChange[], seq: number): void {
    for (const change of changes) {
      const collection = this.collections.get(change.collection);
      if (!collection) continue;
      if (change.record === undefined) collection.delete(change.id);
      else collection.put(Object.freeze(change.record));
    }
    this.lastSeq = seq;
    for (const name of new Set(changes.map((change) => change.collection))) this.collections.get(name)?.applied?.();
  }
}

/** A unique rule's refusal, said as the repositories say it; anything else as it came. */
function refusal(err: unknown): unknown {
  const { code, constraint_name: constraint } = err as { code?: string; constraint_name?: string };
  return code === '23505' && constraint === 'subscribers_by_email' ? new AddressTakenError() : err;
}
