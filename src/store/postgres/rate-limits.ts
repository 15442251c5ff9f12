// Rate-limit counters in PostgreSQL, so that every instance spends from one budget per client:
// an express-rate-limit store over one row per key and window (a fixed window, as its memory
// store counts).
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Sql } from 'postgres';

/** A store for the limiter named `name` (its keys are kept apart from other limiters'). */
export type SharedRateLimits = (name: string) => Store;

export function createPostgresRateLimits(sql: Sql): SharedRateLimits {
  return (name) => {
    let windowMs = 60_000;
    const key = (client: string) => `${name}:${client}`;
    return {
      localKeys: false,
      prefix: name,
      init: (options: Options) => void (windowMs = options.windowMs),
      async increment(client): Promise<ClientRateLimitInfo> {
        // A row whose window is over starts again at one hit.
        const [row] = await sql<{ hits: number; reset_at: Date }[]>`
          insert into rate_limits (key, hits, reset_at) values (${key(client)}, 1, now() + make_interval(secs => ${windowMs / 1000}))
          on conflict (key) do update set
            hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
            reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
          returning hits, reset_at`;
        return { totalHits: row!.hits, resetTime: row!.reset_at };
      },
      async decrement(client) {
        await sql`update rate_limits set hits = greatest(hits - 1, 0) where key = ${key(client)}`;
      },
      async resetKey(client) {
        await sql`delete from rate_limits where key = ${key(client)}`;
      },
    };
  };
}
