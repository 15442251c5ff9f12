// Each run's deliveries in PostgreSQL, one row each, shared by every instance: a sender claims a
// few open deliveries at a time (FOR UPDATE SKIP LOCKED, with a lease), so two instances never
// take the same one, and the claims of an instance that died run out and are taken by another
// (or are taken back at once when it starts again).
import type { Sql } from 'postgres';
import type { DeliveryRecord } from '../../domain/newsletter.js';
import { gatherChanges } from '../gathered-changes.js';
import { DELIVERY_DETAIL_DAYS, emptyTally, toJournal, type DeliveryTally, type RunLedgers } from '../run-ledger.js';

/**
 * How long a delivery's change waits for others to share its statement (see gathered-changes.ts):
 * a transaction less per digest on the database, for a wait that only a cancelled or failed
 * delivery's sender notices (the run does not wait for a "sent" record).
 */
const UPDATE_WINDOW_MS = 20;
/** Deliveries written per statement when a run starts. */
const ROWS_PER_INSERT = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `owner` names this instance (stable across its restarts): at start it takes back its own claims at once. */
export function createPostgresRunLedgers(sql: Sql, owner: string): RunLedgers {
  const update = gatherChanges<DeliveryRecord>(UPDATE_WINDOW_MS, async (changed) => {
    const rows = [...changed].map(([id, changes]) => ({ id, changes: toJournal(changes), state: changes.state ?? null }));
    // `null` unsets a field, as in the embedded ledger; a delivery that is done is no one's claim.
    await sql`update deliveries d set
                record = jsonb_strip_nulls(d.record || x.changes),
                state = coalesce(x.state, d.state),
                claimed_until = case when coalesce(x.state, d.state) in ('pending', 'sending') then d.claimed_until end
              from jsonb_to_recordset(${sql.json(rows as never)}) as x(id text, changes jsonb, state text)
              where d.id = x.id`;
  });
  return {
    async create(runId, pages) {
      let position = 0;
      for await (const deliveries of pages) {
        for (let start = 0; start < deliveries.length; start += ROWS_PER_INSERT) {
          const rows = deliveries.slice(start, start + ROWS_PER_INSERT).map((record) => ({ id: record.id, position: position++, state: record.state, record }));
          await sql`insert into deliveries (id, run_id, position, state, record)
                    select id, ${runId}, position, state, record from jsonb_to_recordset(${sql.json(rows as never)}) as x(id text, position bigint, state text, record jsonb)`;
        }
      }
    },
    async load(runId) {
      // What this instance held when it stopped or died is free again now, not after the lease.
      await sql`update deliveries set claimed_until = null where run_id = ${runId} and claimed_by = ${owner}`;
    },
    async deliveries(runId, limit) {
      const rows = await sql<{ record: DeliveryRecord }[]>`select record from deliveries where run_id = ${runId} order by position limit ${limit ?? null}`;
      return rows.map((row) => Object.freeze(row.record));
    },
    async claim(runId, limit, now, until) {
      const rows = await sql<{ position: number; record: DeliveryRecord }[]>`
        update deliveries d set claimed_by = ${owner}, claimed_until = ${until}
        from (select id from deliveries
              where run_id = ${runId} and state in ('pending', 'sending') and (claimed_until is null or claimed_until <= ${now})
              order by position limit ${limit} for update skip locked) free
        where d.id = free.id
        returning d.position::float8 as position, d.record`;
      return rows.sort((a, b) => a.position - b.position).map((row) => Object.freeze(row.record));
    },
    async tally(runId) {
      const rows = await sql<{ state: string; count: number }[]>`select state, count(*)::int as count from deliveries where run_id = ${runId} group by state`;
      const tally: DeliveryTally = emptyTally();
      for (const { state, count } of rows) {
        if (state === 'pending' || state === 'sending') tally.open += count;
        else tally[state as keyof Omit<DeliveryTally, 'open'>] += count;
      }
      return tally;
    },
    update: (delivery, changes) => update(delivery.id, changes),
    async release(deliveries) {
      await sql`update deliveries set claimed_until = null where id = any(${deliveries.map((delivery) => delivery.id)})`;
    },
    close: async () => undefined,
    async prune(runs, now) {
      const old = runs.filter((run) => run.status !== 'running' && Date.parse(run.startedAt) <= now.getTime() - DELIVERY_DETAIL_DAYS * DAY_MS).map((run) => run.id);
      // Unlike the embedded ledger, rows of a run whose start failed half-way stay: another
      // instance may be starting a run right now, its deliveries written before its record.
      if (old.length) await sql`delete from deliveries where run_id = any(${old})`;
    },
    settled: async () => undefined,
  };
}
