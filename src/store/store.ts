// The store: the named repositories (articles and categories; subscribers, runs and their
// deliveries; WebSub; sources; accounts) over the embedded engine in DATA_DIR, or over PostgreSQL
// when DATABASE_URL is set. Nothing above this module knows which engine it has.
import { createAccountStore, type AccountStore } from './accounts.js';
import { createArticleStore, type ArticleStore } from './articles.js';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { Collection, Engine } from './collections.js';
import { StoreEngine } from './engine.js';
import { soleInstance, type Leadership } from './leadership.js';
import { PostgresEngine } from './postgres/engine.js';
import { electLeader } from './postgres/leadership.js';
import { createPostgresRateLimits, type SharedRateLimits } from './postgres/rate-limits.js';
import { createPostgresRunLedgers } from './postgres/run-ledger.js';
import { lockDataDir } from './lock.js';
import { createNewsletterMigration } from './newsletter-migration.js';
import { createNewsletterStore, type NewsletterStore } from './newsletter.js';
import { createRunLedgers, type RunLedgers } from './run-ledger.js';
import { CONSOLE_SNAPSHOT, CONTENT_SNAPSHOT, NEWSLETTER_SNAPSHOT, SOURCES_SNAPSHOT, WEBSUB_SNAPSHOT } from './schema.js';
import { createSourceStore, type SourceStore } from './sources.js';
import { createWebSubStore, type WebSubStore } from './websub.js';

export const CONTENT_FILE = CONTENT_SNAPSHOT.file;
export const NEWSLETTER_FILE = NEWSLETTER_SNAPSHOT.file;
/** With PostgreSQL: the name of the instance that keeps this DATA_DIR. */
const INSTANCE_FILE = 'instance-id';

export interface Store {
  articles: ArticleStore;
  newsletter: NewsletterStore;
  websub: WebSubStore;
  sources: SourceStore;
  accounts: AccountStore;
  /** Which instance runs scheduled work (always this one on the embedded store). */
  leadership: Leadership;
  /** Rate-limit counters shared by every instance (PostgreSQL); absent: each process counts its own. */
  rateLimits?: SharedRateLimits;
  /** True on the first start, when the store files were just created. */
  created: boolean;
  /** False while the store cannot write (for /healthz). */
  isWritable(): Promise<boolean>;
  /**
   * Brings the snapshot files up to date and deletes the journal files they cover: after an
   * erasure, so that no file keeps what was erased.
   */
  compact(): Promise<void>;
  /** Waits for every acknowledged change to be on disk, then lets another process open DATA_DIR. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://…: the store is this PostgreSQL database, shared by every instance on it. */
  databaseUrl?: string;
  /** The journal is folded into the snapshots past this size (tests make it small). */
  compactAfterBytes?: number;
  /** The embedded engine's snapshot could not be written (the journal keeps every change). */
  onCompactionError?: (err: unknown) => void;
  /** PostgreSQL: reading other instances' changes failed (the next look tries again). */
  onFollowError?: (err: unknown) => void;
  now?: () => Date;
}

/** The store: PostgreSQL when a database URL is given, else the embedded engine in DATA_DIR. */
export function openStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
  return options.databaseUrl ? openPostgresStore(options.databaseUrl, dataDir, options) : openEmbeddedStore(dataDir, options).then(({ store }) => store);
}

/** The embedded store in DATA_DIR, open, with every collection it keeps: what `npm run migrate` copies. */
export async function openEmbeddedCollections(dataDir: string): Promise<{ store: Store; collections: readonly Collection[] }> {
  const { store, engine } = await openEmbeddedStore(dataDir, {});
  return { store, collections: engine.registered() };
}

/** The repositories, registered with the engine and not loaded yet. */
function createRepositories(engine: Engine, ledgers: RunLedgers) {
  return { articles: createArticleStore(engine), newsletter: createNewsletterStore(engine, ledgers), websub: createWebSubStore(engine), sources: createSourceStore(engine), accounts: createAccountStore(engine) };
}

interface Parts {
  engine: Engine;
  ledgers: RunLedgers;
  repositories: ReturnType<typeof createRepositories>;
  leadership: Leadership;
  rateLimits?: SharedRateLimits;
}

/** The repositories over an engine, loaded. */
async function assemble({ engine, ledgers, repositories, leadership, rateLimits }: Parts, options: StoreOptions, release: () => Promise<void>, beforeOpened = async () => {}): Promise<Store> {
  const { articles, newsletter, websub, sources, accounts } = repositories;
  await engine.open();
  await beforeOpened();
  articles.opened();
  await newsletter.opened((options.now ?? (() => new Date()))());
  return {
    articles,
    newsletter,
    websub,
    sources,
    accounts,
    leadership,
    ...(rateLimits ? { rateLimits } : {}),
    created: engine.created,
    isWritable: () => engine.isHealthy(),
    compact: () => engine.compact(),
    async close() {
      await leadership.release();
      await ledgers.settled();
      await engine.close();
      await release();
    },
  };
}

async function openEmbeddedStore(dataDir: string, options: StoreOptions): Promise<{ store: Store; engine: StoreEngine }> {
  const lock = lockDataDir(dataDir);
  try {
    const ledgers = createRunLedgers(dataDir);
    // The upgrade of an older newsletter file reads the subscribers while the engine loads them.
    const migration = createNewsletterMigration(dataDir, (id) => repositories.newsletter.subscriberById(id));
    const engine = new StoreEngine(dataDir, [CONTENT_SNAPSHOT, NEWSLETTER_SNAPSHOT, WEBSUB_SNAPSHOT, SOURCES_SNAPSHOT, CONSOLE_SNAPSHOT], { ...options, ...migration });
    const repositories = createRepositories(engine, ledgers);
    const store = await assemble({ engine, ledgers, repositories, leadership: soleInstance }, options, async () => lock.release(), () => migration.cleanUp());
    return { store, engine };
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function openPostgresStore(databaseUrl: string, dataDir: string, options: StoreOptions): Promise<Store> {
  const sql = postgres(databaseUrl, { onnotice: () => undefined, max: 10 });
  try {
    const engine = new PostgresEngine(sql, options.onFollowError);
    const ledgers = createPostgresRunLedgers(sql, instanceId(dataDir));
    const parts = { engine, ledgers, repositories: createRepositories(engine, ledgers), leadership: await electLeader(sql), rateLimits: createPostgresRateLimits(sql) };
    return await assemble(parts, options, () => sql.end({ timeout: 5 }));
  } catch (err) {
    await sql.end({ timeout: 1 });
    throw err;
  }
}

/** This instance's name among those on one database, kept in its DATA_DIR so that a restart is the same instance. */
function instanceId(dataDir: string): string {
  const file = path.join(dataDir, INSTANCE_FILE);
  try {
    writeFileSync(file, `${randomUUID()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8').trim();
}
