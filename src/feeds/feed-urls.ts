// Where every feed and page of a scope lives: one place, used by feeds, OPML, the API and pages.
import { SITE_SCOPE } from '../store/articles.js';

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

const FEED_FILES: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };

/** Media types, as `<link rel="alternate" type>` wants them. */
export const FEED_MEDIA_TYPES: Record<FeedFormat, string> = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' };

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: `${FEED_MEDIA_TYPES.rss}; charset=utf-8`,
  atom: `${FEED_MEDIA_TYPES.atom}; charset=utf-8`,
  json: `${FEED_MEDIA_TYPES.json}; charset=utf-8`,
};

/** What people call each format. */
export const FEED_NAMES: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };

/** The path of a scope's HTML page: `/` for the site, `/categories/{slug}` for a category. */
export function scopePath(scope: string): string {
  return scope === SITE_SCOPE ? '/' : `/categories/${scope}`;
}

export function feedPath(scope: string, format: FeedFormat, page = 1): string {
  const prefix = scope === SITE_SCOPE ? '' : `/categories/${scope}`;
  return `${prefix}/${FEED_FILES[format]}${page > 1 ? `?page=${page}` : ''}`;
}

export function feedUrls(baseUrl: string, scope: string): Record<FeedFormat, string> {
  return { rss: baseUrl + feedPath(scope, 'rss'), atom: baseUrl + feedPath(scope, 'atom'), json: baseUrl + feedPath(scope, 'json') };
}

export function articleUrl(baseUrl: string, slug: string): string {
  return `${baseUrl}/articles/${slug}`;
}
