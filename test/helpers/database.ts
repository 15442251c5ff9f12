// The suite runs on either store: TEST_STORE=postgres gives every DATA_DIR a database of its own
// on the PostgreSQL server at TEST_DATABASE_URL (created on first use, so a restart with the same
// DATA_DIR finds its data again); otherwise the embedded store in DATA_DIR.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';

export const ON_POSTGRES = process.env.TEST_STORE === 'postgres';
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://notiziario:notiziario@127.0.0.1:5432/postgres';

function databaseNameFor(dataDir: string): string {
  return `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
}

/** The database URL for the store of `dataDir`, on the test server. */
export function databaseUrlFor(dataDir: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${databaseNameFor(dataDir)}`;
  return url.href;
}

/** The databases this run of the suite created and has not dropped yet (see `mochaHooks`). */
const created = new Set<string>();

/** Creates the database of `dataDir` when it does not exist yet; returns its URL. */
export async function createDatabaseFor(dataDir: string): Promise<string> {
  const url = databaseUrlFor(dataDir);
  created.add(dataDir);
  const server = postgres(SERVER_URL, { max: 1, onnotice: () => undefined });
  try {
    await server.unsafe(`create database "${databaseNameFor(dataDir)}"`);
  } catch (err) {
    // 42P04: it exists (a restart of the same DATA_DIR).
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await server.end();
  }
  return url;
}

/** The environment that puts the store of `dataDir` where this run of the suite keeps it. */
export async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  return ON_POSTGRES ? { DATABASE_URL: await createDatabaseFor(dataDir) } : {};
}

/** The same, for a DATA_DIR whose store a running service already created. */
export function existingStoreEnv(dataDir: string): Record<string, string> {
  return ON_POSTGRES ? { DATABASE_URL: databaseUrlFor(dataDir) } : {};
}

/**
 * Everything the store of `dataDir` keeps, as text, and where: every file under DATA_DIR, and on
 * PostgreSQL every row of every table of its database (what an erasure must leave nowhere).
 */
export async function storedTexts(dataDir: string): Promise<{ where: string; text: string }[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  const stored = await Promise.all(files.map(async (file) => ({ where: file, text: await readFile(file, 'latin1') })));
  if (!ON_POSTGRES) return stored;
  const sql = postgres(databaseUrlFor(dataDir), { max: 1, onnotice: () => undefined });
  try {
    const tables = await sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public'`;
    for (const { name } of tables) {
      const rows = await sql.unsafe<{ row: string }[]>(`select t::text as row from "${name}" t`);
      stored.push({ where: `table ${name}`, text: rows.map((row) => row.row).join('\n') });
    }
  } finally {
    await sql.end();
  }
  return stored;
}

/** Drops the database of `dataDir` (a test's own, once it is done with it). */
export async function dropDatabaseFor(dataDir: string): Promise<void> {
  await dropDatabases([dataDir]);
}

async function dropDatabases(dataDirs: Iterable<string>): Promise<void> {
  const server = postgres(SERVER_URL, { max: 1, onnotice: () => undefined });
  try {
    for (const dataDir of dataDirs) {
      await dropDatabase(server, databaseNameFor(dataDir));
      created.delete(dataDir);
    }
  } finally {
    await server.end();
  }
}

/**
 * Drops one database. Plainly first: PostgreSQL then stops an autovacuum worker in it itself, and
 * waits up to 5 s for connections still closing, where `with (force)` refuses a role without
 * pg_signal_backend ("must be a member of the role whose process is being terminated"). A
 * connection that stays open is ended with force.
 */
async function dropDatabase(server: postgres.Sql, name: string): Promise<void> {
  try {
    await server.unsafe(`drop database if exists "${name}"`);
  } catch (err) {
    // 55006: other sessions are using it.
    if ((err as { code?: string }).code !== '55006') throw err;
    await server.unsafe(`drop database if exists "${name}" with (force)`);
  }
}

/**
 * Mocha's root hooks (this file is `require`d by both .mocharc files): when the suite is done, it
 * drops every database it created, so runs do not pile up databases on the server (3,800 of them,
 * 30 GB, made a crashed server's next start spend minutes syncing its data directory).
 */
export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    if (created.size === 0) return;
    this.timeout(5 * 60_000);
    await dropDatabases([...created]);
  },
};

/**
 * Polls until `check` holds: on PostgreSQL another instance (or process) learns of a change
 * through NOTIFY, not at once. On the embedded store it holds at the first look.
 */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
