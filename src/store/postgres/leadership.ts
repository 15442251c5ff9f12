// The leadership among instances on one database: a session advisory lock held on a connection
// of its own. When the leader dies its connection closes, PostgreSQL lets the lock go, and
// another instance takes it at its next try.
import type { ReservedSql, Sql } from 'postgres';
import type { Leadership } from '../leadership.js';

const LEADER_LOCK = 0x6e6f74697c;
/** How often an instance tries to become the leader, and the leader checks its connection. */
const TRY_EVERY_MS = 2000;

export async function electLeader(sql: Sql, onChange: (leading: boolean) => void = () => undefined): Promise<Leadership> {
  let connection: ReservedSql | undefined;
  let leading = false;
  let stopped = false;
  const set = (now: boolean) => {
    if (now !== leading) onChange(now);
    leading = now;
  };

  async function attempt(): Promise<void> {
    try {
      connection ??= await sql.reserve();
      // Taken again by its holder, the lock answers true: this also proves the connection alive.
      const [row] = await connection<{ held: boolean }[]>`select pg_try_advisory_lock(${LEADER_LOCK}) as held`;
      if (row!.held && leading) await connection`select pg_advisory_unlock(${LEADER_LOCK})`;
      set(row!.held);
    } catch {
      set(false);
      connection?.release();
      connection = undefined;
    }
  }

  await attempt();
  const timer = setInterval(() => void (stopped || attempt()), TRY_EVERY_MS);
  timer.unref();
  return {
    holds: () => leading,
    async release() {
      stopped = true;
      clearInterval(timer);
      if (connection && leading) await connection`select pg_advisory_unlock_all()`.catch(() => undefined);
      set(false);
      connection?.release();
      connection = undefined;
    },
  };
}
