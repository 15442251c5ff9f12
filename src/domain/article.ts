// The words of the domain: an article as stored, as published, and a category.
import { createHash } from 'node:crypto';

export type ArticleStatus = 'published' | 'draft';

export interface Category {
  slug: string;
  name: string;
}

/** Names that differ only in case, surrounding white space or Unicode form name one category. */
export function categoryKey(name: string): string {
  return name.trim().toLowerCase().normalize('NFC');
}

/** An article as the store keeps it: categories and explicit related articles by slug. */
export interface ArticleRecord {
  id: string;
  slug: string;
  title: string;
  summary: string;
  contentHtml: string;
  author: string;
  categories: string[];
  imageUrl?: string;
  publishedAt: string;
  updatedAt: string;
  status: ArticleStatus;
  /** Slugs chosen by the editor; absent means "derive from shared categories". */
  related?: string[];
  /** For an article ingested from a source: which source and which of its items (see ingest/). */
  source?: ArticleOrigin;
  /** The article's address at its source, for an ingested article. */
  originalUrl?: string;
}

export interface ArticleOrigin {
  /** The source's id. */
  id: string;
  /** The item's identity within its source (guid / id, else link, else a hash of title and date). */
  item: string;
  /** A hash of what was imported: an item whose hash changed updates its article. */
  hash: string;
  /** When the item first became an article here: digests count it as new from then. */
  listedAt: string;
}

/**
 * From when an article is new to subscribers: its publication, or for an ingested article the
 * moment it arrived here, if later (an item dated before a digest but fetched after it).
 */
export function listedAt(article: ArticleRecord): string {
  return article.source && article.source.listedAt > article.publishedAt ? article.source.listedAt : article.publishedAt;
}

/** An article as the API shows it. */
export interface ArticleView extends Omit<ArticleRecord, 'categories' | 'related' | 'imageUrl' | 'source' | 'originalUrl'> {
  categories: Category[];
  /** Every field of the contract is present: `null` when the article has no image. */
  imageUrl: string | null;
  url: string;
  related: string[];
  /** Where an ingested article came from; `null` for an article written here. */
  source: { id: string; title: string; url: string } | null;
  originalUrl: string | null;
}

export function isDue(article: ArticleRecord, now: Date): boolean {
  return article.status === 'published' && Date.parse(article.publishedAt) <= now.getTime();
}

/**
 * The version of an article as stored: it changes with every write (every write replaces the
 * record). The API's ETag and the console's hidden field, so that a second save of an article
 * that someone else changed meanwhile is refused, not silently lost.
 */
export function articleVersion(article: ArticleRecord): string {
  return createHash('sha256').update(JSON.stringify(article)).digest('base64url').slice(0, 22);
}
