// Copies the embedded store into PostgreSQL (`npm run migrate -- --to-postgres`): every collection's
// records in their embedded order, and the deliveries of every run whose detail is still kept.
// The database becomes a copy of DATA_DIR in one transaction: what DATA_DIR no longer holds (an
// erased subscriber) goes, and a crash half-way leaves the database as it was. Copying over a
// database that instances use or have written to would undo their work, so that is refused.
import type { Sql, TransactionSql } from 'postgres';
import type { DeliveryRecord, RunRecord } from '../../domain/newsletter.js';
import type { Collection } from '../collections.js';
import { migrate } from './migrations.js';

/** Records (or deliveries) sent per statement. */
const ROWS_PER_INSERT = 2000;
const DELIVERIES = 'deliveries';

export interface CopySource {
  collections: readonly Collection[];
  /** A run's deliveries in order; undefined when its detail is no longer kept. */
  deliveriesOf(runId: string): Promise<readonly DeliveryRecord[] | undefined>;
}

export interface CopyProgress {
  /** More rows to copy than announced so far (each run's deliveries are counted once read). */
  grow(rows: number): void;
  copied(rows: number): void;
}

/** Rows per collection (and `deliveries`): what was read from DATA_DIR, or what the database holds. */
export type Counts = Map<string, number>;

/** The key a record's changes use: `id`, a category's slug, or a retired slug itself (see articles.ts). */
function keyOf(record: unknown): string {
  if (typeof record === 'string') return record;
  const { id, slug } = record as { id?: string; slug?: string };
  return id ?? slug!;
}

/** Makes the database (migrated first) a copy of the source; returns the source's counts. */
export async function copyToPostgres(sql: Sql, source: CopySource, progress: CopyProgress): Promise<Counts> {
  await migrate(sql);
  await refuseWhenInUse(sql);
  const counts: Counts = new Map();
  // References to the records in memory (live iterators, taken as lists while nothing writes).
  const lists = source.collections.map((collection) => ({ name: collection.name, records: [...collection.records()] }));
  progress.grow(lists.reduce((sum, list) => sum + list.records.length, 0));
  await sql.begin(async (tx) => {
    await tx`delete from records`;
    await tx`delete from deliveries`;
    for (const collection of lists) {
      const { records } = collection;
      counts.set(collection.name, records.length);
      await insertInSlices(records, progress, (slice) => {
        const rows = slice.map((record) => ({ id: keyOf(record), record }));
        // Positions follow the embedded order, as the instances load them.
        return tx`insert into records (collection, id, record)
                  select ${collection.name}, id, record
                  from rows from (jsonb_to_recordset(${tx.json(rows as never)}) as (id text, record jsonb)) with ordinality as x(id, record, n) order by n`;
      });
    }
    counts.set(DELIVERIES, await copyDeliveries(tx, source, progress));
    // An instance that connected meanwhile loaded the old records and would not see these.
    await refuseWhenInUse(tx);
  });
  return counts;
}

async function copyDeliveries(tx: TransactionSql, source: CopySource, progress: CopyProgress): Promise<number> {
  const runs = source.collections.find((collection) => collection.name === 'runs')!.records() as readonly RunRecord[];
  let copied = 0;
  for (const run of runs) {
    const deliveries = await source.deliveriesOf(run.id);
    if (!deliveries) continue;
    progress.grow(deliveries.length);
    let position = 0;
    await insertInSlices(deliveries, progress, (slice) => {
      const rows = slice.map((record) => ({ id: record.id, position: position++, state: record.state, record }));
      return tx`insert into deliveries (id, run_id, position, state, record)
                select id, ${run.id}, position, state, record from jsonb_to_recordset(${tx.json(rows as never)}) as x(id text, position bigint, state text, record jsonb)`;
    });
    copied += deliveries.length;
  }
  return copied;
}

async function insertInSlices<T>(items: readonly T[], progress: CopyProgress, insert: (slice: readonly T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += ROWS_PER_INSERT) {
    const slice = items.slice(start, start + ROWS_PER_INSERT);
    await insert(slice);
    progress.copied(slice.length);
  }
}

/** What the database holds, counted as copyToPostgres counts the source. */
export async function countInPostgres(sql: Sql): Promise<Counts> {
  const rows = await sql<{ collection: string; count: number }[]>`
    select collection, count(*)::int as count from records group by collection
    union all select ${DELIVERIES}, count(*)::int from deliveries`;
  return new Map(rows.map(({ collection, count }) => [collection, count]));
}

/** Refuses a database that another client is connected to, or that instances have written to. */
async function refuseWhenInUse(sql: Sql | TransactionSql): Promise<void> {
  // Inside a transaction the activity view is read once and kept: read it afresh.
  await sql`select pg_stat_clear_snapshot()`;
  const [state] = await sql<{ clients: number; written: boolean }[]>`
    select (select count(*)::int from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend') as clients,
           exists (select 1 from changes) as written`;
  const { clients, written } = state!;
  if (clients > 0) throw new Error(`${clients} other connection(s) to this database (a running Notiziario instance?): stop them, then migrate again; nothing was copied`);
  if (written) throw new Error('Notiziario instances have already written to this database: copying DATA_DIR over it would undo their changes; nothing was copied (migrate into a new, empty database)');
}
