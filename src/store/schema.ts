// The shape of the store file, its version, and the migrations that bring older files up to date.
import type { ArticleRecord, Category } from '../domain/article.js';

export const SCHEMA_VERSION = 1;

export interface StoreData {
  schemaVersion: number;
  articles: ArticleRecord[];
  categories: Category[];
}

export function emptyStore(): StoreData {
  return { schemaVersion: SCHEMA_VERSION, articles: [], categories: [] };
}

/** Each entry turns a file of version N into version N + 1. */
const MIGRATIONS: Record<number, (data: any) => any> = {
  // Files written before the version field existed held only articles and categories.
  0: (data) => ({ articles: data.articles ?? [], categories: data.categories ?? [] }),
};

/** Brings a file read from disk to SCHEMA_VERSION; refuses a file from a newer Notiziario. */
export function migrate(data: { schemaVersion?: number }): { data: StoreData; migrated: boolean } {
  let version = data.schemaVersion ?? 0;
  if (version > SCHEMA_VERSION) {
    throw new Error(`store: file has schema version ${version}, this Notiziario understands up to ${SCHEMA_VERSION}`);
  }
  let current: any = data;
  const from = version;
  while (version < SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`store: no migration from schema version ${version}`);
    current = { ...step(current), schemaVersion: version + 1 };
    version += 1;
  }
  return { data: current as StoreData, migrated: version !== from };
}
