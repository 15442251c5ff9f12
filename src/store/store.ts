// The store: two lowdb files under DATA_DIR (content, and the newsletter's subscribers and
// ledger, so that a send never rewrites every article) and the named repositories over them.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createArticleStore, type ArticleStore } from './articles.js';
import { openDatabase } from './database.js';
import { lockDataDir } from './lock.js';
import { openJournal, readJournal, type Journal } from './journal.js';
import { createNewsletterStore, replayJournal, type DeliveryEntry, type NewsletterStore } from './newsletter.js';
import { CONTENT_SCHEMA, NEWSLETTER_SCHEMA } from './schema.js';

export const CONTENT_FILE = 'notiziario.json';
export const NEWSLETTER_FILE = 'newsletter.json';
export const NEWSLETTER_JOURNAL = 'newsletter.journal.jsonl';

export interface Store {
  articles: ArticleStore;
  newsletter: NewsletterStore;
  /** True on the first start, when the store file was just created. */
  created: boolean;
  /** True when the store file can be read (for /healthz). */
  isReadable(): Promise<boolean>;
  /** Waits for every acknowledged change to be on disk, then lets another process open DATA_DIR. */
  close(): Promise<void>;
}

export async function openStore(dataDir: string): Promise<Store> {
  const lock = lockDataDir(dataDir);
  const file = path.join(dataDir, CONTENT_FILE);
  let content, newsletter, journal: Journal<DeliveryEntry>;
  try {
    // Articles are replaced on change, never edited in place: they can be written in chunks.
    content = await openDatabase(file, CONTENT_SCHEMA, { chunked: true });
    newsletter = await openDatabase(path.join(dataDir, NEWSLETTER_FILE), NEWSLETTER_SCHEMA);
    // Delivery changes journalled before a crash go into the file first; then the journal restarts.
    const journalFile = path.join(dataDir, NEWSLETTER_JOURNAL);
    if (replayJournal(newsletter.data, await readJournal<DeliveryEntry>(journalFile))) await newsletter.persist();
    journal = await openJournal<DeliveryEntry>(journalFile);
    await journal.clear();
  } catch (err) {
    lock.release();
    throw err;
  }
  // Every change asks for its own write, so flushing only waits for those.
  const flush = async () => {
    await Promise.all([content.settled(), newsletter.settled()]);
  };
  return {
    articles: createArticleStore(content),
    newsletter: createNewsletterStore(newsletter, journal),
    created: content.created,
    isReadable: () =>
      access(file, constants.R_OK).then(
        () => true,
        () => false,
      ),
    async close() {
      await flush();
      await journal.close();
      lock.release();
    },
  };
}
