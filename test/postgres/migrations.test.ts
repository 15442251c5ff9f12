// The PostgreSQL schema is migrated at start under a lock: instances starting at once on a new
// database migrate it once, and a database of a newer schema than this Notiziario is refused.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import postgres from 'postgres';
import { SCHEMA_VERSION } from '../../src/store/postgres/migrations.js';
import { openStore } from '../../src/store/store.js';
import { createDatabaseFor, dropDatabaseFor } from '../helpers/database.js';
import { makeDataDir } from '../helpers/service.js';

describe('PostgreSQL schema migrations', () => {
  let dataDir: string;
  let databaseUrl: string;

  beforeEach(async () => {
    dataDir = await makeDataDir();
    databaseUrl = await createDatabaseFor(dataDir);
  });

  afterEach(async () => {
    await dropDatabaseFor(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function query<T extends object>(run: (sql: postgres.Sql) => Promise<T[]>): Promise<T[]> {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      return await run(sql);
    } finally {
      await sql.end();
    }
  }

  it('migrates a new database once when two instances start on it at the same moment', async () => {
    const stores = await Promise.all([openStore(dataDir, { databaseUrl }), openStore(dataDir, { databaseUrl })]);
    try {
      const versions = await query((sql) => sql<{ version: number; times: number }[]>`select version, count(*)::int as times from schema_migrations group by version order by version`);
      assert.deepEqual(versions.map((row) => ({ ...row })), Array.from({ length: SCHEMA_VERSION }, (_, index) => ({ version: index + 1, times: 1 })));
      assert.deepEqual(stores.map((store) => store.created).sort(), [false, true], 'the database is new to exactly one of them (it alone seeds the demo content)');
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('refuses a database whose schema is newer than this Notiziario knows, saying both versions', async () => {
    await (await openStore(dataDir, { databaseUrl })).close();
    await query((sql) => sql`insert into schema_migrations (version) values (${SCHEMA_VERSION + 1})`);
    await assert.rejects(openStore(dataDir, { databaseUrl }), {
      message: `store: the database has schema version ${SCHEMA_VERSION + 1}, this Notiziario understands up to ${SCHEMA_VERSION}`,
    });
  });
});
