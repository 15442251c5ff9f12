// Rendered feeds kept as bytes with their validators: rendered once per change, not per request.
// A write marks only the scopes it touched as stale; a scheduled article expires its scope's
// pages at the moment it becomes due.
import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { ArticleRecord } from '../domain/article.js';
import { HttpError } from '../http/errors.js';
import { SITE_SCOPE, type ArticleStore } from '../store/articles.js';
import { articleUrl, FEED_CONTENT_TYPES, feedPath, scopePath, type FeedFormat } from './feed-urls.js';
import { renderFeed, type FeedEntry, type FeedPage } from './render-feed.js';

export interface SiteInfo {
  baseUrl: string;
  title: string;
  description: string;
  language: string;
  feedPageSize: number;
  /** WebSub hubs advertised in every feed: ours (BASE_URL/websub) first. */
  hubs: readonly string[];
}

export interface RenderedFeed {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: string;
  /** Last-Modified in whole seconds, as If-Modified-Since compares it. */
  lastModifiedSeconds: number;
  /**
   * False when the bytes changed within the second of the previous Last-Modified: a date can
   * then not tell the two versions apart, so only the ETag may answer 304.
   */
  validatesByDate: boolean;
  /** The Link header: the hubs and the feed's own (first-page) URL, for WebSub discovery. */
  links: string;
}

interface CacheEntry extends RenderedFeed {
  stale: boolean;
  /** When the next scheduled article of the scope becomes due (ms), or Infinity. */
  expiresAt: number;
}

export interface FeedCache {
  /** The current bytes of a feed page; throws a 404 HttpError for an unknown scope or page. */
  get(scope: string, format: FeedFormat, page: number): RenderedFeed;
  /** How many renders have happened since start (for tests and the benchmark). */
  readonly renders: number;
}

/** The source an ingested article came from, if it is still there (its title and feed URL). */
export type SourceOf = (id: string) => { title: string; url: string } | undefined;

export function createFeedCache(store: ArticleStore, site: SiteInfo, clock: Clock, sourceOf: SourceOf = () => undefined): FeedCache {
  const scopes = new Map<string, Map<string, CacheEntry>>();
  let renders = 0;

  store.onChange((changed) => {
    for (const scope of changed) for (const entry of scopes.get(scope)?.values() ?? []) entry.stale = true;
  });

  function render(scope: string, format: FeedFormat, page: number, now: Date, previous?: CacheEntry): CacheEntry {
    const feedPage = buildPage(store, site, sourceOf, scope, format, page, now);
    const body = Buffer.from(renderFeed(format, feedPage));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
    renders += 1;
    // Unchanged bytes keep their date, so clients revalidating with a date still get 304.
    const unchanged = previous?.etag === etag;
    const modified = unchanged ? previous.lastModifiedSeconds : Math.floor(now.getTime() / 1000);
    const validatesByDate = unchanged ? previous.validatesByDate : modified !== previous?.lastModifiedSeconds;
    return {
      body,
      contentType: FEED_CONTENT_TYPES[format],
      etag,
      lastModified: new Date(modified * 1000).toUTCString(),
      lastModifiedSeconds: modified,
      validatesByDate,
      links: discoveryLinks(site, scope, format),
      stale: false,
      expiresAt: store.nextDueAt(scope, now) ?? Infinity,
    };
  }

  return {
    get(scope, format, page) {
      const now = clock();
      if (scope !== SITE_SCOPE && !store.visibleCategory(scope, now)) throw HttpError.notFound(`There is no category "${scope}"`);
      let entries = scopes.get(scope);
      if (!entries) scopes.set(scope, (entries = new Map()));
      const key = `${format}:${page}`;
      const cached = entries.get(key);
      if (cached && !cached.stale && now.getTime() < cached.expiresAt) return cached;
      const fresh = render(scope, format, page, now, cached);
      entries.set(key, fresh);
      return fresh;
    },
    get renders() {
      return renders;
    },
  };
}

/** Where an ingested article came from, as the feeds name it (RSS and Atom `<source>`, JSON `external_url`). */
function originOf(article: ArticleRecord, sourceOf: SourceOf): Pick<FeedEntry, 'origin'> {
  const source = article.source && sourceOf(article.source.id);
  return source ? { origin: { title: source.title, feedUrl: source.url, ...(article.originalUrl ? { originalUrl: article.originalUrl } : {}) } } : {};
}

/** RFC 8288 links for WebSub discovery (section 4): every hub, then the topic's own URL. */
function discoveryLinks(site: SiteInfo, scope: string, format: FeedFormat): string {
  return [...site.hubs.map((hub) => `<${hub}>; rel="hub"`), `<${site.baseUrl + feedPath(scope, format)}>; rel="self"`].join(', ');
}

function buildPage(store: ArticleStore, site: SiteInfo, sourceOf: SourceOf, scope: string, format: FeedFormat, page: number, now: Date): FeedPage {
  const lastPage = Math.max(1, Math.ceil(store.countDue(scope, now) / site.feedPageSize));
  if (page > lastPage) throw HttpError.notFound(`This feed has ${lastPage} page${lastPage > 1 ? 's' : ''}`);
  const category = store.category(scope);
  const entries: FeedEntry[] = store.listDue(scope, now, (page - 1) * site.feedPageSize, site.feedPageSize).map((article) => ({
    id: article.id,
    title: article.title,
    url: articleUrl(site.baseUrl, article.slug),
    summary: article.summary,
    contentHtml: article.contentHtml,
    author: article.author,
    categories: store.categoriesOf(article.categories).map((category) => ({ ...category, url: site.baseUrl + scopePath(category.slug) })),
    imageUrl: article.imageUrl,
    publishedAt: new Date(article.publishedAt),
    updatedAt: new Date(article.updatedAt),
    ...originOf(article, sourceOf),
  }));
  return {
    title: category ? `${category.name} · ${site.title}` : site.title,
    description: category ? `${site.description}: ${category.name}` : site.description,
    language: site.language,
    publisher: site.title,
    homeUrl: site.baseUrl + scopePath(scope),
    categoryScheme: `${site.baseUrl}/categories/`,
    hubs: site.hubs,
    pageUrl: (n) => site.baseUrl + feedPath(scope, format, n),
    page,
    lastPage,
    entries,
  };
}
