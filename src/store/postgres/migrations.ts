// The PostgreSQL schema, one numbered step at a time. Every start runs the steps this database
// lacks, under an advisory lock, so two instances starting at once migrate once; a database of
// a newer version than this Notiziario knows is refused.
import type { Sql } from 'postgres';

/** Taken while migrating (a number of our own: "notiz" in ASCII). */
const MIGRATION_LOCK = 0x6e6f74697a;
/** Commits are serialised by this advisory lock, so sequence numbers follow commit order. */
export const COMMIT_LOCK = 0x6e6f74697b;
/** NOTIFY'd with the sequence number of every commit. */
export const CHANGES_CHANNEL = 'notiziario_changes';

const STEPS: readonly string[] = [
  // 1: every repository's records (JSON, as the embedded store keeps them) in insertion order;
  // the change log that tells the other instances which records a commit changed (keys only:
  // an erased subscriber leaves nothing behind in it); the deliveries of each run, claimed by
  // the instances that send them; the shared rate-limit counters. Addresses and slugs are unique
  // across instances too (two instances taking the same one at once: the second is refused).
  `create table records (
     collection text not null,
     id text not null,
     position bigserial,
     record jsonb not null,
     primary key (collection, id)
   );
   create index records_in_order on records (collection, position);
   create unique index subscribers_by_email on records ((record->>'email')) where collection = 'subscribers';
   create unique index articles_by_slug on records ((record->>'slug')) where collection = 'articles';
   create table changes (
     seq bigint primary key,
     at timestamptz not null default now(),
     keys jsonb not null
   );
   create table deliveries (
     id text primary key,
     run_id text not null,
     position bigint not null,
     state text not null,
     record jsonb not null,
     claimed_by text,
     claimed_until timestamptz
   );
   create index deliveries_of_run on deliveries (run_id, position);
   create index deliveries_to_send on deliveries (run_id, position) where state in ('pending', 'sending');
   create table rate_limits (
     key text primary key,
     hits integer not null,
     reset_at timestamptz not null
   );`,
  // 2: a commit in one round trip: a function that takes the commit lock, returns what other
  // instances committed since `after_seq`, writes the records, and logs and announces the keys
  // (seven round trips before, each one more wait on a busy machine). What changed since a
  // number is a function of its own: an instance that only looks asks it too.
  `create function notiziario_changes_since(after_seq bigint)
   returns table (seq bigint, collection text, id text, record jsonb)
   language sql stable as $$
     select c.seq, k.collection, k.id, r.record
     from changes c cross join lateral jsonb_to_recordset(c.keys) as k(collection text, id text)
     left join records r on r.collection = k.collection and r.id = k.id
     where c.seq > after_seq order by c.seq
   $$;
   create function notiziario_commit(after_seq bigint, puts jsonb, deletions jsonb, changed jsonb)
   returns table (seq bigint, collection text, id text, record jsonb)
   language plpgsql as $$
   #variable_conflict use_column
   declare next_seq bigint;
   begin
     perform pg_advisory_xact_lock(${COMMIT_LOCK});
     return query select * from notiziario_changes_since(after_seq);
     insert into records (collection, id, record)
       select x.collection, x.id, x.record from jsonb_to_recordset(puts) as x(collection text, id text, record jsonb)
       on conflict (collection, id) do update set record = excluded.record;
     delete from records r using jsonb_to_recordset(deletions) as k(collection text, id text)
       where r.collection = k.collection and r.id = k.id;
     select coalesce(max(changes.seq), 0) + 1 into next_seq from changes;
     insert into changes (seq, keys) values (next_seq, changed);
     perform pg_notify('${CHANGES_CHANNEL}', next_seq::text);
     return query select next_seq, null::text, null::text, null::jsonb;
   end $$;`,
];

export const SCHEMA_VERSION = STEPS.length;

/** Brings the schema to SCHEMA_VERSION; true when this call created it (a new database). */
export async function migrate(sql: Sql): Promise<boolean> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists schema_migrations (version integer primary key, applied_at timestamptz not null default now())`;
    const [{ version }] = await tx<{ version: number }[]>`select coalesce(max(version), 0)::int as version from schema_migrations`;
    if (version > SCHEMA_VERSION) throw new Error(`store: the database has schema version ${version}, this Notiziario understands up to ${SCHEMA_VERSION}`);
    for (let step = version; step < SCHEMA_VERSION; step++) {
      await tx.unsafe(STEPS[step]!);
      await tx`insert into schema_migrations (version) values (${step + 1})`;
    }
    return version === 0;
  });
}
