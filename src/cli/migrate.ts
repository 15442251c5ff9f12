// `npm run migrate -- --to-postgres`: copies the embedded store in DATA_DIR into the PostgreSQL
// database at DATABASE_URL (see store/postgres/copy.ts), then counts both sides and prints them;
// it fails when a count differs. The service must be stopped: it owns DATA_DIR while it runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import postgres from 'postgres';
import { ConfigError, loadConfig, readDotEnv } from '../config.js';
import { StoreLockedError } from '../store/lock.js';
import { copyToPostgres, countInPostgres, type Counts } from '../store/postgres/copy.js';
import { readRunDeliveries } from '../store/run-ledger.js';
import { openEmbeddedCollections } from '../store/store.js';

const USAGE = 'usage: DATABASE_URL=postgres://… npm run migrate -- --to-postgres';

/** One line per collection with both counts; true when every count agrees. */
function printCounts(source: Counts, target: Counts): boolean {
  const rows = [...source.keys()].map((name) => ({ name, read: source.get(name)!, stored: target.get(name) ?? 0 }));
  console.log(`${'collection'.padEnd(22)}${'DATA_DIR'.padStart(12)}${'PostgreSQL'.padStart(12)}`);
  for (const { name, read, stored } of rows) console.log(`${name.padEnd(22)}${String(read).padStart(12)}${String(stored).padStart(12)}${read === stored ? '' : '  differs'}`);
  return rows.every(({ read, stored }) => read === stored);
}

/** Links already mailed (confirm, unsubscribe) were signed with DATA_DIR's generated secret. */
function warnOfAnotherSecret(dataDir: string, secret: string): void {
  let generated: string;
  try {
    generated = readFileSync(path.join(dataDir, 'secret'), 'utf8').trim();
  } catch {
    return;
  }
  if (generated !== secret) console.warn(`warning: SECRET differs from ${dataDir}/secret, which signed the links already mailed: start the instances with SECRET set to that file's content, or those links stop working`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'to-postgres': { type: 'boolean', default: false } } });
  if (!values['to-postgres']) throw new Error(USAGE);
  readDotEnv();
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error(`DATABASE_URL is not set: it names the PostgreSQL database to copy ${config.dataDir} into (${USAGE})`);
  warnOfAnotherSecret(config.dataDir, config.secret);
  console.log(`reading ${config.dataDir}…`);
  const { store, collections } = await openEmbeddedCollections(config.dataDir).catch((err: unknown) => {
    if (err instanceof StoreLockedError) throw new Error(`the service (pid ${err.pid}) is running on ${config.dataDir}: stop it, then migrate (it owns DATA_DIR while it runs)`);
    throw err;
  });
  // One connection: any other one on the database is someone else's (see copy.ts).
  const sql = postgres(config.databaseUrl, { max: 1, onnotice: () => undefined });
  const bar = new cliProgress.SingleBar({ format: 'copying |{bar}| {value}/{total} records and deliveries · {eta_formatted} left', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(0, 0);
  try {
    const source = await copyToPostgres(sql, { collections, deliveriesOf: (runId) => readRunDeliveries(config.dataDir, runId) }, {
      grow: (rows) => bar.setTotal(bar.getTotal() + rows),
      copied: (rows) => bar.increment(rows),
    });
    bar.stop();
    const target = await countInPostgres(sql);
    if (!printCounts(source, target)) throw new Error('the counts differ: the copy is incomplete');
    console.log(`${config.dataDir} is copied into ${new URL(config.databaseUrl).pathname.slice(1)}; start the service with DATABASE_URL (and keep DATA_DIR/media: pictures stay files)`);
  } finally {
    bar.stop();
    await sql.end({ timeout: 5 });
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `migrate: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
