// The store: the named repositories (articles and categories; subscribers, runs and their
// deliveries) over the embedded engine in DATA_DIR. Nothing above this module knows the engine.
import { createAccountStore, type AccountStore } from './accounts.js';
import { createArticleStore, type ArticleStore } from './articles.js';
import { StoreEngine } from './engine.js';
import { lockDataDir } from './lock.js';
import { createNewsletterMigration } from './newsletter-migration.js';
import { createNewsletterStore, type NewsletterStore } from './newsletter.js';
import { createRunLedgers } from './run-ledger.js';
import { CONSOLE_SNAPSHOT, CONTENT_SNAPSHOT, NEWSLETTER_SNAPSHOT, SOURCES_SNAPSHOT, WEBSUB_SNAPSHOT } from './schema.js';
import { createSourceStore, type SourceStore } from './sources.js';
import { createWebSubStore, type WebSubStore } from './websub.js';

export const CONTENT_FILE = CONTENT_SNAPSHOT.file;
export const NEWSLETTER_FILE = NEWSLETTER_SNAPSHOT.file;

export interface Store {
  articles: ArticleStore;
  newsletter: NewsletterStore;
  websub: WebSubStore;
  sources: SourceStore;
  accounts: AccountStore;
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
  /** The journal is folded into the snapshots past this size (tests make it small). */
  compactAfterBytes?: number;
  onCompactionError?: (err: unknown) => void;
  now?: () => Date;
}

export async function openStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
  const lock = lockDataDir(dataDir);
  try {
    const ledgers = createRunLedgers(dataDir);
    let newsletter: ReturnType<typeof createNewsletterStore> | undefined;
    const migration = createNewsletterMigration(dataDir, (id) => newsletter!.subscriberById(id));
    const engine = new StoreEngine(dataDir, [CONTENT_SNAPSHOT, NEWSLETTER_SNAPSHOT, WEBSUB_SNAPSHOT, SOURCES_SNAPSHOT, CONSOLE_SNAPSHOT], { ...options, ...migration });
    const articles = createArticleStore(engine);
    newsletter = createNewsletterStore(engine, ledgers);
    const websub = createWebSubStore(engine);
    const sources = createSourceStore(engine);
    const accounts = createAccountStore(engine);
    await engine.open();
    await migration.cleanUp();
    articles.opened();
    await newsletter.opened((options.now ?? (() => new Date()))());
    return {
      articles,
      newsletter,
      websub,
      sources,
      accounts,
      created: engine.created,
      isWritable: () => engine.isHealthy(),
      compact: () => engine.compact(),
      async close() {
        await ledgers.settled();
        await engine.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

