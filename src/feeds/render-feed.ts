// Pure renderers: one page of a feed in RSS 2.0, Atom 1.0 (both with the `feed` package) or
// JSON Feed 1.1 (plain data, since `feed` writes 1.0), with RFC 5005 paging links.
import { Feed, type Item } from 'feed';
import type { Category } from '../domain/article.js';
import { escapeHtml } from '../domain/text.js';
import type { FeedFormat } from './feed-urls.js';

export interface FeedEntry {
  id: string;
  title: string;
  url: string;
  summary: string;
  contentHtml: string;
  author: string;
  categories: (Category & { url: string })[];
  imageUrl?: string;
  publishedAt: Date;
  updatedAt: Date;
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
  /** The URL of page N of this feed in this format. */
  pageUrl: (page: number) => string;
  page: number;
  lastPage: number;
  entries: FeedEntry[];
}

const GENERATOR = 'Notiziario';

/** A page of a feed as text, the same bytes for the same input. */
export function renderFeed(format: FeedFormat, page: FeedPage): string {
  if (format === 'json') return renderJsonFeed(page);
  return format === 'rss' ? renderRss(page) : renderAtom(page);
}

/** The newest change among the entries: a stable `updated`, never "now". */
function lastUpdate(page: FeedPage): Date {
  return new Date(Math.max(0, ...page.entries.map((entry) => entry.updatedAt.getTime())));
}

function pagingLinks(page: FeedPage): { rel: string; href: string }[] {
  const links = [
    { rel: 'first', href: page.pageUrl(1) },
    { rel: 'last', href: page.pageUrl(page.lastPage) },
  ];
  if (page.page > 1) links.push({ rel: 'previous', href: page.pageUrl(page.page - 1) });
  if (page.page < page.lastPage) links.push({ rel: 'next', href: page.pageUrl(page.page + 1) });
  return links;
}

function baseFeed(page: FeedPage, selfFormat: 'rss' | 'atom'): Feed {
  return new Feed({
    id: page.homeUrl,
    title: page.title,
    description: page.description,
    link: page.homeUrl,
    language: page.language,
    author: { name: page.publisher },
    updated: lastUpdate(page),
    generator: GENERATOR,
    feedLinks: { [selfFormat]: page.pageUrl(page.page) },
  });
}

function commonItem(entry: FeedEntry): Pick<Item, 'id' | 'link' | 'date' | 'published' | 'content'> {
  return { id: `urn:uuid:${entry.id}`, link: entry.url, date: entry.updatedAt, published: entry.publishedAt, content: entry.contentHtml };
}

function renderRss(page: FeedPage): string {
  const feed = baseFeed(page, 'rss');
  for (const entry of page.entries) {
    feed.addItem({
      ...commonItem(entry),
      title: entry.title,
      description: escapeHtml(entry.summary),
      category: entry.categories.map((category) => ({ name: category.name, domain: category.url })),
      enclosure: entry.imageUrl ? { url: entry.imageUrl, type: imageType(entry.imageUrl) } : undefined,
      // RSS <author> must be an email address; dc:creator carries a name.
      extensions: [{ name: 'dc:creator', objects: { _text: entry.author } }],
    });
  }
  // The channel's atom:link list replaces the one `feed` writes, adding RFC 5005 paging.
  const links = [{ rel: 'self', href: page.pageUrl(page.page), type: 'application/rss+xml' }, ...pagingLinks(page)];
  feed.addExtension({ name: 'atom:link', objects: links.map((attributes) => ({ _attributes: attributes })) as never });
  return feed.rss2();
}

function renderAtom(page: FeedPage): string {
  const feed = baseFeed(page, 'atom');
  for (const entry of page.entries) {
    feed.addItem({
      ...commonItem(entry),
      // Atom title and summary are typed "html": escape the plain text once.
      title: escapeHtml(entry.title),
      description: escapeHtml(entry.summary),
      author: [{ name: entry.author }],
      category: entry.categories.map((category) => ({ name: category.name, term: category.slug, scheme: page.categoryScheme })),
      image: entry.imageUrl,
    });
  }
  const xml = feed.atom1();
  const selfLink = /<link rel="self" href="[^"]*"\/>/.exec(xml)![0];
  const paging = pagingLinks(page).map((link) => `<link rel="${link.rel}" href="${escapeHtml(link.href)}"/>`);
  return xml
    .replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeHtml(page.language)}">`)
    .replace(selfLink, [selfLink, ...paging].join('\n    '));
}

function renderJsonFeed(page: FeedPage): string {
  const next = page.page < page.lastPage ? page.pageUrl(page.page + 1) : undefined;
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: page.title,
    home_page_url: page.homeUrl,
    feed_url: page.pageUrl(page.page),
    description: page.description,
    language: page.language,
    authors: [{ name: page.publisher, url: page.homeUrl }],
    ...(next ? { next_url: next } : {}),
    items: page.entries.map((entry) => ({
      id: `urn:uuid:${entry.id}`,
      url: entry.url,
      title: entry.title,
      summary: entry.summary,
      content_html: entry.contentHtml,
      ...(entry.imageUrl ? { image: entry.imageUrl } : {}),
      date_published: entry.publishedAt.toISOString(),
      date_modified: entry.updatedAt.toISOString(),
      authors: [{ name: entry.author }],
      tags: entry.categories.map((category) => category.name),
    })),
  });
}

const IMAGE_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif', svg: 'image/svg+xml' };

function imageType(url: string): string {
  const extension = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? '';
  return IMAGE_TYPES[extension] ?? 'image/jpeg';
}
