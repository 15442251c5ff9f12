// The shape of each store file, its version, and the migrations that bring older files up to date.
import type { ArticleRecord, Category } from '../domain/article.js';
import type { DeliveryRecord, RunRecord, SubscriberRecord } from '../domain/newsletter.js';

export interface FileSchema<T> {
  version: number;
  empty(): T;
  /** Each entry turns a file of version N into version N + 1. */
  migrations: Record<number, (data: any) => any>;
}

export interface ContentData {
  schemaVersion: number;
  articles: ArticleRecord[];
  categories: Category[];
  /** Slugs of deleted articles: never given to another article, so old links never mislead. */
  retiredSlugs: string[];
}

export interface NewsletterData {
  schemaVersion: number;
  /** The last journal entry this file includes (see journal.ts). */
  journalSeq?: number;
  subscribers: SubscriberRecord[];
  runs: RunRecord[];
  deliveries: DeliveryRecord[];
}

export const CONTENT_SCHEMA: FileSchema<ContentData> = {
  version: 2,
  empty: () => ({ schemaVersion: 2, articles: [], categories: [], retiredSlugs: [] }),
  migrations: {
    // Files written before the version field existed held only articles and categories.
    0: (data) => ({ articles: data.articles ?? [], categories: data.categories ?? [] }),
    // Version 2 remembers the slugs of deleted articles; earlier deletions are not known.
    1: (data) => ({ ...data, retiredSlugs: [] }),
  },
};

export const NEWSLETTER_SCHEMA: FileSchema<NewsletterData> = {
  version: 1,
  empty: () => ({ schemaVersion: 1, subscribers: [], runs: [], deliveries: [] }),
  migrations: {},
};

/** Brings a file read from disk to the schema's version; refuses a file from a newer Notiziario. */
export function migrate<T>(schema: FileSchema<T>, data: { schemaVersion?: number }): { data: T; migrated: boolean } {
  const from = data.schemaVersion ?? 0;
  if (from > schema.version) {
    throw new Error(`store: file has schema version ${from}, this Notiziario understands up to ${schema.version}`);
  }
  let current: any = data;
  for (let version = from; version < schema.version; version += 1) {
    const step = schema.migrations[version];
    if (!step) throw new Error(`store: no migration from schema version ${version}`);
    current = { ...step(current), schemaVersion: version + 1 };
  }
  return { data: current as T, migrated: from !== schema.version };
}
