// Where every feed and page of a scope lives: one place, used by feeds, OPML, the API and pages.
import { SITE_SCOPE } from '../store/articles.js';

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

const FEED_FILES: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };
const FEED_PATH = /^\/(?:categories\/([a-z0-9-]+)\/)?(rss\.xml|atom\.xml|feed\.json)$/;
const FORMAT_BY_FILE: Record<string, FeedFormat> = { 'rss.xml': 'rss', 'atom.xml': 'atom', 'feed.json': 'json' };

/** Where our WebSub hub takes subscriptions. */
export const HUB_PATH = '/websub';

export interface FeedRef {
  scope: string;
  format: FeedFormat;
}

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

/** The feed a path (without query) names, or undefined when it names none. */
export function feedOfPath(pathname: string): FeedRef | undefined {
  const match = FEED_PATH.exec(pathname);
  return match ? { scope: match[1] ?? SITE_SCOPE, format: FORMAT_BY_FILE[match[2]!]! } : undefined;
}

/** The feed whose first page is at `url` under BASE_URL (a WebSub topic), or undefined. */
export function feedOfUrl(baseUrl: string, url: string): FeedRef | undefined {
  return url.startsWith(`${baseUrl}/`) ? feedOfPath(url.slice(baseUrl.length)) : undefined;
}

export function hubUrl(baseUrl: string): string {
  return baseUrl + HUB_PATH;
}

export function feedUrls(baseUrl: string, scope: string): Record<FeedFormat, string> {
  return { rss: baseUrl + feedPath(scope, 'rss'), atom: baseUrl + feedPath(scope, 'atom'), json: baseUrl + feedPath(scope, 'json') };
}

export function articleUrl(baseUrl: string, slug: string): string {
  return `${baseUrl}/articles/${slug}`;
}
