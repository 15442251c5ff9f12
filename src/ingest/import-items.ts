// A source's items into articles: a new item creates one, a changed item updates the one it
// became (same id, same slug), an unchanged item does nothing. Articles are written by the same
// functions as the API's (sanitised alike; feeds re-rendered, WebSub pushed).
import { createHash } from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import { createArticle, updateArticle } from '../articles/edit-articles.js';
import type { IngestDeps } from './deps.js';
import { createArticleSchema, MAX_CONTENT } from '../domain/article-input.js';
import type { SourceRecord } from '../domain/source.js';
import { escapeHtml } from '../domain/text.js';
import type { FeedItem } from './read-items.js';

export interface ImportCounts {
  seen: number;
  imported: number;
  updated: number;
  /** On a first fetch, the items beyond `backfill`, left out for good. */
  passedOver: string[];
}

/** Imports the items (all new ones, or the `backfill` newest on a source's first fetch). */
export async function importItems(ctx: IngestDeps, source: SourceRecord, items: FeedItem[], now: Date): Promise<ImportCounts> {
  const passedOver = new Set(source.passedOver);
  const ordered = source.backfilled ? items.filter((item) => !passedOver.has(item.key)) : newestFirst(items, now);
  const chosen = source.backfilled ? ordered : ordered.slice(0, source.backfill);
  const counts: ImportCounts = { seen: items.length, imported: 0, updated: 0, passedOver: source.backfilled ? [] : ordered.slice(source.backfill).map((item) => item.key) };
  // Oldest first: articles imported in one fetch keep their order when dates tie.
  for (const item of chosen.reverse()) {
    try {
      const outcome = await importItem(ctx, source, item, now);
      if (outcome) counts[outcome] += 1;
    } catch (err) {
      ctx.log.warn({ err, source: source.id, item: item.key }, 'ingest: an item could not become an article; it is tried again at the next fetch');
    }
  }
  return counts;
}

async function importItem(ctx: IngestDeps, source: SourceRecord, item: FeedItem, now: Date): Promise<'imported' | 'updated' | undefined> {
  const fields = articleFields(source, item, now);
  // The item's own date, not the one given to an undated item: seeing it again later is no change.
  const hash = createHash('sha256').update(JSON.stringify({ ...fields, publishedAt: item.publishedAt ?? item.updatedAt ?? null })).digest('base64url');
  const existing = ctx.store.articles.bySourceItem(source.id, item.key);
  const listedAt = existing?.source?.listedAt ?? now.toISOString();
  const origin = { source: { id: source.id, item: item.key, hash, listedAt }, ...(item.link ? { originalUrl: item.link } : {}) };
  if (existing?.source?.hash === hash) return undefined;
  if (existing) {
    const { publishedAt: _kept, status: _status, ...changes } = fields;
    await updateArticle(ctx, existing.id, { ...changes, imageUrl: changes.imageUrl ?? null }, { origin });
    return 'updated';
  }
  await createArticle(ctx, createArticleSchema.parse(fields), origin);
  return 'imported';
}

/** The article an item makes, within the limits of the API's input (a title cut, not refused). */
function articleFields(source: SourceRecord, item: FeedItem, now: Date) {
  const title = cut(item.title || item.link || source.title, 300);
  const content = item.contentHtml.trim() ? resolveUrls(item.contentHtml, item.baseUrl) : `<p>${item.link ? `<a href="${escapeHtml(item.link)}">${escapeHtml(title)}</a>` : escapeHtml(title)}</p>`;
  const categories = [...source.categories, ...(source.keepCategories ? item.categories : [])]
    .map((name) => cut(name, 60))
    .filter((name) => !/[<>"]/.test(name));
  return {
    title,
    contentHtml: content.slice(0, MAX_CONTENT),
    ...(item.summary ? { summary: cut(item.summary, 1000) } : {}),
    // Without a name of its own, an item is its source's, not this site's.
    author: cut(item.author ?? source.title, 200),
    categories: [...new Set(categories)].slice(0, 12),
    ...(item.imageUrl ? { imageUrl: item.imageUrl } : {}),
    publishedAt: publishedAt(item, now),
    status: 'published' as const,
  };
}

/** The item's date; missing or unreadable → when it was first seen (now); in the future → now. */
function publishedAt(item: FeedItem, now: Date): string {
  const time = Date.parse(item.publishedAt ?? item.updatedAt ?? '');
  return new Date(Number.isNaN(time) || time > now.getTime() ? now.getTime() : time).toISOString();
}

function newestFirst(items: FeedItem[], now: Date): FeedItem[] {
  const time = (item: FeedItem) => Date.parse(publishedAt(item, now));
  return [...items].sort((a, b) => time(b) - time(a));
}

/** Relative links and images made absolute against the item's base (xml:base, its link, the feed's). */
function resolveUrls(html: string, base: string | undefined): string {
  if (!base) return html;
  const resolve = (url: string | undefined) => {
    if (url === undefined) return undefined;
    try {
      return new URL(url, base).href;
    } catch {
      return url;
    }
  };
  // Everything kept as it is (the sanitiser decides what stays); only href and src change.
  return sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    transformTags: {
      '*': (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...(attribs.href ? { href: resolve(attribs.href)! } : {}), ...(attribs.src ? { src: resolve(attribs.src)! } : {}) } }),
    },
  });
}

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
