// Each run's deliveries, in a file of their own under DATA_DIR/runs: written once as the run
// starts, a slice at a time as its subscribers are walked, then every change of state appended to
// it (group fsync). A subscriber change never touches these files, and a run's history never
// touches the subscribers' file. A run in progress keeps in memory only its deliveries read ahead
// and not yet done, and its counts: memory does not grow with the run. The detail of a finished
// run is kept for DELIVERY_DETAIL_DAYS, then its file is deleted; the run's counts stay.
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
/** Delivery lines read from a run's file at a time, as claims reach them: about 3,000 deliveries. */
const READ_AHEAD_BYTES = 1 << 20;

interface OpenRun {
  file: string;
  journal: Journal;
  /** Bytes of delivery lines at the head of the file (written as the run started); changes follow. */
  deliveryBytes: number;
  /** How far those lines have been read. */
  readAt: number;
  /** The read-ahead in flight, which concurrent claims share. */
  reading?: Promise<void>;
  /** Ids of the deliveries read and not yet done, in order: claims go through them from the front. */
  ahead: string[];
  /** The current record of each delivery in `ahead`; a delivery leaves once it is done. */
  records: Map<string, DeliveryRecord>;
  /** Claimed deliveries and until when (ms): another claim skips them until then. */
  claims: Map<string, number>;
  tally: DeliveryTally;
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
  /**
   * Writes the run's deliveries, a slice at a time as they come (requests are served between
   * slices, and no list of them all is ever held); resolves once all are durable.
   */
  create(runId: string, deliveries: DeliveryPages): Promise<void>;
  /** Prepares the deliveries of a run that is not finished (at start). */
  load(runId: string): Promise<void>;
  /** The run's deliveries as they stand, in order (the first `limit`, if given). */
  deliveries(runId: string, limit?: number): Promise<readonly DeliveryRecord[]>;
  /**
   * Takes up to `limit` open deliveries of the run, in order, that nobody else holds (or whose
   * holder's claim ran out before `now`), for this sender until `until`.
   */
  claim(runId: string, limit: number, now: Date, until: Date): Promise<DeliveryRecord[]>;
  /** Gives back claims that were not used. */
  release(deliveries: readonly DeliveryRecord[]): Promise<void>;
  tally(runId: string): Promise<DeliveryTally>;
  /** Changes a delivery that a claim handed out. */
  update(delivery: DeliveryRecord, changes: Partial<DeliveryRecord>): Promise<void>;
  /** Lets go of a finished run (its detail stays for the stated time). */
  close(runId: string): Promise<void>;
  /** Deletes detail older than DELIVERY_DETAIL_DAYS, and that of runs never recorded. */
  prune(runs: readonly RunRecord[], now: Date): Promise<void>;
  settled(): Promise<void>;
}

/** A run's deliveries in slices, in order. */
export type DeliveryPages = Iterable<readonly DeliveryRecord[]> | AsyncIterable<readonly DeliveryRecord[]>;

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
  const fileOf = (runId: string) => ledgerFile(dataDir, runId);

  const remember = (run: OpenRun, record: DeliveryRecord) => {
    run.ahead.push(record.id);
    run.records.set(record.id, Object.freeze(record));
  };

  /** Reads the next delivery lines of the run's file into memory; false when none are left. */
  async function readAhead(run: OpenRun): Promise<boolean> {
    if (run.readAt >= run.deliveryBytes) return false;
    run.reading ??= readSlice(run).finally(() => (run.reading = undefined));
    await run.reading;
    return true;
  }

  async function readSlice(run: OpenRun): Promise<void> {
    const handle = await open(run.file, 'r');
    try {
      const size = Math.min(READ_AHEAD_BYTES, run.deliveryBytes - run.readAt);
      const buffer = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(buffer, 0, size, run.readAt);
      const end = buffer.lastIndexOf(NEWLINE, bytesRead - 1) + 1;
      if (end === 0) throw new Error(`store: ${run.file} has a delivery line longer than ${READ_AHEAD_BYTES} bytes`);
      for (const line of buffer.toString('utf8', 0, end).split('\n')) if (line) remember(run, (JSON.parse(line) as { delivery: DeliveryRecord }).delivery);
      run.readAt += end;
    } finally {
      await handle.close();
    }
  }

  return {
    async create(runId, deliveries) {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const file = fileOf(runId);
      const { lines, bytes } = await writeLines(file, deliveries, (delivery) => ({ delivery }));
      openRuns.set(runId, { file, journal: new Journal(file, bytes, 0), deliveryBytes: bytes, readAt: 0, ahead: [], records: new Map(), claims: new Map(), tally: { ...emptyTally(), open: lines } });
    },
    async load(runId) {
      // A run a crash interrupted: its file is read whole once, and its open deliveries kept.
      const file = fileOf(runId);
      const { records, length } = await readLedger(file);
      const run: OpenRun = { file, journal: new Journal(file, length, 0), deliveryBytes: 0, readAt: 0, ahead: [], records: new Map(), claims: new Map(), tally: emptyTally() };
      for (const record of records) {
        count(run.tally, record);
        if (isOpen(record)) remember(run, record);
      }
      openRuns.set(runId, run);
    },
    async deliveries(runId, limit) {
      const read = await readRunDeliveries(dataDir, runId, limit);
      // The file has every change that is on disk; memory has those applied since it was read.
      const run = openRuns.get(runId);
      return (read ?? []).map((record) => run?.records.get(record.id) ?? record);
    },
    async claim(runId, limit, now, until) {
      const run = openRuns.get(runId);
      if (!run) return [];
      let done = 0;
      while (done < run.ahead.length && !run.records.has(run.ahead[done]!)) done += 1;
      run.ahead.splice(0, done);
      const claimed: DeliveryRecord[] = [];
      // Only deliveries in flight are stepped over: a claim costs its size.
      for (let index = 0; claimed.length < limit; index++) {
        if (index === run.ahead.length) {
          // Another claim may have changed `ahead` meanwhile: look again from its start.
          if (await readAhead(run)) index = -1;
          else break;
          continue;
        }
        const delivery = run.records.get(run.ahead[index]!);
        if (!delivery || (run.claims.get(delivery.id) ?? 0) > now.getTime()) continue;
        run.claims.set(delivery.id, until.getTime());
        claimed.push(delivery);
      }
      return claimed;
    },
    tally: async (runId) => ({ ...(openRuns.get(runId)?.tally ?? emptyTally()) }),
    async update(delivery, changes) {
      const { id } = delivery;
      const run = openRuns.get(delivery.runId);
      if (!run) throw new Error(`store: no open run ${delivery.runId}`);
      // Claims hand deliveries out from memory. One no longer there is done: a sender whose claim
      // ran out changes it after another sent it. The change is recorded; memory keeps it done.
      await run.journal.append({ id, changes: toJournal(changes) }, () => {
        const before = run.records.get(id);
        if (!before) return;
        const after = withChanges(before, changes);
        if (isOpen(after)) return void run.records.set(id, after);
        run.records.delete(id);
        run.claims.delete(id);
        run.tally.open -= 1;
        count(run.tally, after);
      });
    },
    async release(deliveries) {
      for (const delivery of deliveries) openRuns.get(delivery.runId)?.claims.delete(delivery.id);
    },
    async close(runId) {
      const run = openRuns.get(runId);
      if (!run) return;
      await run.journal.settled();
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

const NEWLINE = 0x0a;

/** Counts a delivery in its state. */
function count(tally: DeliveryTally, delivery: DeliveryRecord): void {
  if (isOpen(delivery)) tally.open += 1;
  else tally[delivery.state as Exclude<DeliveryRecord['state'], 'pending' | 'sending'>] += 1;
}

/**
 * A run's deliveries as its file holds them, in order (the first `limit`, and only their changes,
 * if given: the other lines are not parsed), and the length of what was read.
 */
async function readLedger(file: string, limit = Infinity): Promise<{ records: DeliveryRecord[]; length: number }> {
  const records = new Map<string, DeliveryRecord>();
  let read = 0;
  const wanted = (text: string) => {
    if (text.startsWith(DELIVERY_LINE)) return read++ < limit;
    if (limit === Infinity) return true;
    // A change line starts {"seq":N,"id":"…": only the changes of the deliveries kept are parsed.
    const at = text.indexOf(CHANGE_ID);
    return at >= 0 && records.has(text.slice(at + CHANGE_ID.length, text.indexOf('"', at + CHANGE_ID.length)));
  };
  const length = await readJournal(file, (line) => {
    if (line.delivery) records.set((line.delivery as DeliveryRecord).id, line.delivery as DeliveryRecord);
    else if (typeof line.id === 'string' && records.has(line.id)) records.set(line.id, withChanges(records.get(line.id)!, line.changes as Changes));
  }, wanted);
  return { records: [...records.values()], length };
}
const DELIVERY_LINE = '{"delivery":';
const CHANGE_ID = '"id":"';

/** The deliveries of a run of the embedded store, in order (the first `limit`); undefined once its detail is gone. */
export async function readRunDeliveries(dataDir: string, runId: string, limit?: number): Promise<DeliveryRecord[] | undefined> {
  const file = ledgerFile(dataDir, runId);
  if (!(await stat(file).then(() => true, () => false))) return undefined;
  return (await readLedger(file, limit)).records;
}

/**
 * A JSON-lines file written whole (temp, fsync, rename, fsync of the folder), a slice at a time
 * as the items come, yielding between slices. Returns how many lines and bytes it holds.
 */
export async function writeLines<T>(file: string, pages: Iterable<readonly T[]> | AsyncIterable<readonly T[]>, toLine: (item: T) => object): Promise<{ lines: number; bytes: number }> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  let lines = 0;
  let bytes = 0;
  try {
    for await (const items of pages) {
      for (let start = 0; start < items.length; start += LINES_PER_WRITE) {
        const slice = items.slice(start, start + LINES_PER_WRITE);
        const text = Buffer.from(slice.map((item) => `${JSON.stringify(toLine(item))}\n`).join(''));
        for (let written = 0; written < text.length; ) written += (await handle.write(text, written)).bytesWritten;
        lines += slice.length;
        bytes += text.length;
        await yieldToEventLoop();
      }
    }
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp);
    throw err;
  }
  await handle.close();
  await rename(temp, file);
  await syncFolder(path.dirname(file));
  return { lines, bytes };
}
