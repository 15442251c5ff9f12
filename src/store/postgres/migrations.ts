// The PostgreSQL schema, one numbered step at a time. Every start runs the steps this database
// lacks, under an advisory lock, so two instances starting at once migrate once; a database of
// a newer version than this Notiziario knows is refused.
import type { Sql } from 'postgres';

/** Taken while migrating (a number of our own: "notiz" in ASCII). */
const MIGRATION_LOCK = 0x6e6f74697a;

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
