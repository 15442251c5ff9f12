// One page of a feed as the renderers see it (plain text, HTML content, absolute URLs, dates),
// and what the three formats share: the generator, the `updated` date and RFC 5005 paging links.
import type { Category } from '../domain/article.js';

export interface FeedEntry {
  id: string;
  /** Plain text, as are the summary, the author and category names: never HTML. */
  title: string;
  url: string;
  summary: string;
  /** Sanitised HTML. */
  contentHtml: string;
  author: string;
  categories: (Category & { url: string })[];
  imageUrl?: string;
  publishedAt: Date;
  updatedAt: Date;
  /** For an article ingested from a source: that feed's title and URL, and the item's own URL. */
  origin?: FeedOrigin;
}

export interface FeedOrigin {
  title: string;
  feedUrl: string;
  originalUrl?: string;
}

export interface FeedPage {
  title: string;
  description: string;
  language: string;
  /** Who publishes the feed: the site. */
  publisher: string;
  /** The HTML page of the scope (site home or category page). */
  homeUrl: string;
  /** Where category URLs start, for the Atom category scheme. */
  categoryScheme: string;
  /** WebSub hubs that push this feed's changes (ours first). */
  hubs: readonly string[];
  /** The URL of page N of this feed in this format. */
  pageUrl: (page: number) => string;
  page: number;
  lastPage: number;
  entries: FeedEntry[];
}

export const GENERATOR = 'Notiziario';

/** The newest change among the entries: a stable `updated`, never "now". */
export function lastUpdate(page: FeedPage): Date {
  return new Date(Math.max(0, ...page.entries.map((entry) => entry.updatedAt.getTime())));
}

/** RFC 5005 links: first and last always, previous and next where they exist. */
export function pagingLinks(page: FeedPage): { rel: string; href: string }[] {
  const links = [
    { rel: 'first', href: page.pageUrl(1) },
    { rel: 'last', href: page.pageUrl(page.lastPage) },
  ];
  if (page.page > 1) links.push({ rel: 'previous', href: page.pageUrl(page.page - 1) });
  if (page.page < page.lastPage) links.push({ rel: 'next', href: page.pageUrl(page.page + 1) });
  return links;
}

const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif', svg: 'image/svg+xml' };

/** An image's media type from its URL's extension (JPEG when it says nothing). */
export function imageType(url: string): string {
  const extension = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? '';
  return IMAGE_TYPES[extension] ?? 'image/jpeg';
}
