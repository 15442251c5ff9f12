// Each run's deliveries, in a file of their own under DATA_DIR/runs: written once when the run
// starts, then every change of state appended to it (group fsync). A subscriber change never
// touches these files, and a run's history never touches the subscribers' file. The detail of a
// finished run is kept for DELIVERY_DETAIL_DAYS, then its file is deleted; the run's counts stay.
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DeliveryRecord, RunRecord } from '../domain/newsletter.js';
import { syncFolder } from './json-document.js';
import { Journal, readJournal } from './journal.js';

export const RUNS_FOLDER = 'runs';
/** How long the per-delivery detail of a finished run is kept. */
export const DELIVERY_DETAIL_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const LINES_PER_WRITE = 2000;

interface OpenRun {
  journal: Journal;
  deliveries: Map<string, DeliveryRecord>;
  /** Delivery ids in the order they were written: claims go through them in that order. */
  order: string[];
  /** Every delivery before this index is done (sent, deferred, failed or cancelled). */
  firstOpen: number;
  /** Claimed deliveries and until when (ms): another claim skips them until then. */
  claims: Map<string, number>;
}
/** A change as journalled: `null` stands for "unset". */
type Changes = Record<string, unknown>;

/** How many deliveries of a run are in each state; `open` ones are still to send (pending or sending). */
export interface DeliveryTally {
  sent: number;
  deferred: number;
  failed: number;
  cancelled: number;
  open: number;
}

export const isOpen = (delivery: DeliveryRecord) => delivery.state === 'pending' || delivery.state === 'sending';

/** Each run's deliveries: the embedded ledger files here, a PostgreSQL table in postgres/run-ledger.ts. */
export interface RunLedgers {
  /** Writes the run's deliveries (in slices, yielding between them); resolves once durable. */
  create(runId: string, deliveries: readonly DeliveryRecord[]): Promise<void>;
  /** Prepares the deliveries of a run that is not finished (at start). */
  load(runId: string): Promise<void>;
  deliveries(runId: string, limit?: number): Promise<readonly DeliveryRecord[]>;
  /**
   * Takes up to `limit` open deliveries of the run, in order, that nobody else holds (or whose
   * holder's claim ran out before `now`), for this sender until `until`.
   */
  claim(runId: string, limit: number, now: Date, until: Date): Promise<DeliveryRecord[]>;
  /** Gives back claims that were not used. */
  release(deliveries: readonly DeliveryRecord[]): Promise<void>;
  tally(runId: string): Promise<DeliveryTally>;
  update(delivery: DeliveryRecord, changes: Partial<DeliveryRecord>): Promise<void>;
  /** Lets go of a finished run (its detail stays for the stated time). */
  close(runId: string): Promise<void>;
  /** Deletes detail older than DELIVERY_DETAIL_DAYS, and that of runs never recorded. */
  prune(runs: readonly RunRecord[], now: Date): Promise<void>;
  settled(): Promise<void>;
}

const ledgerFile = (dataDir: string, runId: string) => path.join(dataDir, RUNS_FOLDER, `${runId}.jsonl`);

export const emptyTally = (): DeliveryTally => ({ sent: 0, deferred: 0, failed: 0, cancelled: 0, open: 0 });

/** A record with changes applied: `null` or `undefined` removes a field. */
export function withChanges<R extends object>(record: R, changes: Changes): R {
  const next = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined) delete next[key];
    else next[key] = value;
  }
  return Object.freeze(next) as R;
}

export const toJournal = (changes: object): Changes => Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value === undefined ? null : value]));

export function createRunLedgers(dataDir: string): RunLedgers {
  const folder = path.join(dataDir, RUNS_FOLDER);
  const openRuns = new Map<string, OpenRun>();
  const runOf = new Map<string, string>();
  const fileOf = (runId: string) => ledgerFile(dataDir, runId);

  /** Indexes a run's deliveries, yielding between slices: a run to a million starts without a stall. */
  async function remember(runId: string, journal: Journal, records: readonly DeliveryRecord[]): Promise<void> {
    const deliveries = new Map<string, DeliveryRecord>();
    for (const [index, record] of records.entries()) {
      deliveries.set(record.id, Object.freeze(record));
      runOf.set(record.id, runId);
      if (index % LINES_PER_WRITE === LINES_PER_WRITE - 1) await yieldToEventLoop();
    }
    openRuns.set(runId, { journal, deliveries, order: [...deliveries.keys()], firstOpen: 0, claims: new Map() });
  }

  return {
    async create(runId, deliveries) {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const file = fileOf(runId);
      await writeLines(file, deliveries, (delivery) => ({ delivery }));
      await remember(runId, new Journal(file, (await stat(file)).size, 0), deliveries);
    },
    async load(runId) {
      const file = fileOf(runId);
      const { records, length } = await readLedger(file);
      await remember(runId, new Journal(file, length, 0), records);
    },
    deliveries: async (runId, limit = Infinity) => [...(openRuns.get(runId)?.deliveries.values() ?? [])].slice(0, limit),
    async claim(runId, limit, now, until) {
      const run = openRuns.get(runId);
      if (!run) return [];
      while (run.firstOpen < run.order.length && !isOpen(run.deliveries.get(run.order[run.firstOpen]!)!)) run.firstOpen += 1;
      const claimed: DeliveryRecord[] = [];
      // Past the done ones, only deliveries in flight are stepped over: a claim costs its size.
      for (let index = run.firstOpen; index < run.order.length && claimed.length < limit; index++) {
        const delivery = run.deliveries.get(run.order[index]!)!;
        if (!isOpen(delivery) || (run.claims.get(delivery.id) ?? 0) > now.getTime()) continue;
        run.claims.set(delivery.id, until.getTime());
        claimed.push(delivery);
      }
      return claimed;
    },
    async tally(runId) {
      const tally = emptyTally();
      for (const delivery of openRuns.get(runId)?.deliveries.values() ?? []) {
        if (isOpen(delivery)) tally.open += 1;
        else tally[delivery.state as Exclude<DeliveryRecord['state'], 'pending' | 'sending'>] += 1;
      }
      return tally;
    },
    async update(delivery, changes) {
      const { id } = delivery;
      const run = openRuns.get(runOf.get(id) ?? '');
      const before = run?.deliveries.get(id);
      if (!run || !before) throw new Error(`store: no delivery ${id}`);
      await run.journal.append({ id, changes: toJournal(changes) }, () => {
        const after = withChanges(run.deliveries.get(id)!, changes);
        run.deliveries.set(id, after);
        if (!isOpen(after)) run.claims.delete(id);
      });
    },
    async release(deliveries) {
      for (const delivery of deliveries) openRuns.get(runOf.get(delivery.id) ?? '')?.claims.delete(delivery.id);
    },
    async close(runId) {
      const run = openRuns.get(runId);
      if (!run) return;
      await run.journal.settled();
      for (const id of run.deliveries.keys()) runOf.delete(id);
      openRuns.delete(runId);
    },
    async prune(runs, now) {
      const keep = new Set(runs.filter((run) => run.status === 'running' || Date.parse(run.startedAt) > now.getTime() - DELIVERY_DETAIL_DAYS * DAY_MS).map((run) => run.id));
      const names = await readdir(folder).catch(() => [] as string[]);
      for (const name of names) if (name.endsWith('.jsonl') && !keep.has(name.slice(0, -'.jsonl'.length))) await unlink(path.join(folder, name));
    },
    async settled() {
      await Promise.all([...openRuns.values()].map((run) => run.journal.settled()));
    },
  };
}

/** A run's deliveries as its file holds them, in order, and the length of what was read. */
async function readLedger(file: string): Promise<{ records: DeliveryRecord[]; length: number }> {
  const records = new Map<string, DeliveryRecord>();
  const length = await readJournal(file, (line) => {
    if (line.delivery) records.set((line.delivery as DeliveryRecord).id, line.delivery as DeliveryRecord);
    else if (typeof line.id === 'string' && records.has(line.id)) records.set(line.id, withChanges(records.get(line.id)!, line.changes as Changes));
  });
  return { records: [...records.values()], length };
}

/** The deliveries of a run of the embedded store, in order; undefined once its detail is gone. */
export async function readRunDeliveries(dataDir: string, runId: string): Promise<DeliveryRecord[] | undefined> {
  const file = ledgerFile(dataDir, runId);
  if (!(await stat(file).then(() => true, () => false))) return undefined;
  return (await readLedger(file)).records;
}

/** A JSON-lines file written whole (temp, fsync, rename, fsync of the folder), in slices. */
export async function writeLines<T>(file: string, items: readonly T[], toLine: (item: T) => object): Promise<void> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    for (let start = 0; start < items.length; start += LINES_PER_WRITE) {
      await handle.write(items.slice(start, start + LINES_PER_WRITE).map((item) => `${JSON.stringify(toLine(item))}\n`).join(''));
      await yieldToEventLoop();
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  await syncFolder(path.dirname(file));
}
