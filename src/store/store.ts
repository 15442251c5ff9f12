// The store: one lowdb file under DATA_DIR and the named repositories built over it.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createArticleStore, type ArticleStore } from './articles.js';
import { openDatabase } from './database.js';

export const STORE_FILE = 'notiziario.json';

export interface Store {
  articles: ArticleStore;
  /** True on the first start, when the store file was just created. */
  created: boolean;
  /** True when the store file can be read (for /healthz). */
  isReadable(): Promise<boolean>;
  /** Resolves once every acknowledged change is on disk. */
  flush(): Promise<void>;
}

export async function openStore(dataDir: string): Promise<Store> {
  const file = path.join(dataDir, STORE_FILE);
  const db = await openDatabase(file);
  return {
    articles: createArticleStore(db),
    created: db.created,
    isReadable: () =>
      access(file, constants.R_OK).then(
        () => true,
        () => false,
      ),
    flush: () => db.persist(),
  };
}
