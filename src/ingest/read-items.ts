// A feed's text into the items the ingest imports, whatever its format: RSS 0.9x / 1.0 (RDF) /
// 2.0, Atom 1.0 or JSON Feed 1.0 / 1.1, parsed by feedsmith (lenient with the broken feeds found
// in the wild; it keeps namespaces such as content:, media:, dc: and xml:base).
import { createHash } from 'node:crypto';
import { parseFeed } from 'feedsmith';
import { htmlToText } from '../domain/sanitize.js';

export interface FeedItem {
  /** The item's identity within its feed: guid / id, else link, else a hash of title and date. */
  key: string;
  title: string;
  /** HTML as the feed gave it (not yet sanitised), relative URLs not yet resolved. */
  contentHtml: string;
  /** What relative URLs in the content are resolved against. */
  baseUrl: string | undefined;
  summary?: string;
  author?: string;
  link?: string;
  publishedAt?: string;
  updatedAt?: string;
  imageUrl?: string;
  categories: string[];
}

export interface FeedDocument {
  title: string;
  siteUrl: string | undefined;
  /** RSS `ttl`, in minutes. */
  ttlMinutes?: number;
  /** WebSub hubs the feed names (atom:link rel="hub"), and its own URL (rel="self"). */
  hubs: string[];
  selfUrl?: string;
  items: FeedItem[];
}

export class NotAFeedError extends Error {}

// feedsmith's result differs per format; only the fields read here are named.
type Node = Record<string, any>;

/** Parses a feed; NotAFeedError when the text is no feed of any known format. */
export function readFeed(text: string, feedUrl: string): FeedDocument {
  let parsed: { format: string; feed: Node };
  try {
    parsed = parseFeed(text) as { format: string; feed: Node };
  } catch (err) {
    throw new NotAFeedError(`not a feed (RSS, RDF, Atom or JSON Feed): ${(err as Error).message}`);
  }
  const { format, feed } = parsed;
  if (format === 'atom') return readAtom(feed, feedUrl);
  if (format === 'json') return readJson(feed, feedUrl);
  return readRss(feed, feedUrl);
}

function readRss(feed: Node, feedUrl: string): FeedDocument {
  const siteUrl = absolute(feed.link, feedUrl);
  return {
    title: plain(feed.title) || feedUrl,
    siteUrl,
    ttlMinutes: typeof feed.ttl === 'number' ? feed.ttl : undefined,
    hubs: links(feed.atom?.links, 'hub', feedUrl),
    selfUrl: links(feed.atom?.links, 'self', feedUrl)[0],
    items: (feed.items ?? []).map((item: Node) => {
      const link = absolute(item.link ?? item.rdf?.about, siteUrl ?? feedUrl);
      const title = plain(item.title ?? item.dc?.titles?.[0]);
      const publishedAt = item.pubDate ?? item.dc?.dates?.[0] ?? item.dc?.date;
      return {
        key: text(item.guid?.value) ?? link ?? hashOf(title, publishedAt),
        title,
        contentHtml: item.content?.encoded ?? item.description ?? '',
        baseUrl: link ?? siteUrl ?? feedUrl,
        summary: item.content?.encoded && item.description ? plain(htmlToText(item.description)) : undefined,
        author: text(item.dc?.creators?.[0] ?? item.authors?.[0] ?? item.author),
        link,
        publishedAt,
        imageUrl: imageOf(item),
        categories: [...(item.categories ?? []).map((category: Node) => category.name), ...(item.dc?.subjects ?? [])].map(plain).filter(Boolean),
      };
    }),
  };
}

function readAtom(feed: Node, feedUrl: string): FeedDocument {
  const feedBase = absolute(feed.xml?.base, feedUrl) ?? feedUrl;
  const siteUrl = links(feed.links, 'alternate', feedBase)[0];
  return {
    title: textConstruct(feed.title) || feedUrl,
    siteUrl,
    hubs: links(feed.links, 'hub', feedBase),
    selfUrl: links(feed.links, 'self', feedBase)[0],
    items: (feed.entries ?? []).map((entry: Node) => {
      const base = absolute(entry.xml?.base, feedBase) ?? feedBase;
      const link = links(entry.links, 'alternate', base)[0];
      const title = textConstruct(entry.title);
      const content = entry.content ?? entry.summary;
      return {
        key: text(entry.id) ?? link ?? hashOf(title, entry.published ?? entry.updated),
        title,
        contentHtml: content ? asHtml(content) : '',
        baseUrl: base,
        summary: entry.content && entry.summary ? textConstruct(entry.summary) : undefined,
        author: text(entry.authors?.[0]?.name),
        link,
        publishedAt: entry.published ?? entry.updated,
        updatedAt: entry.updated,
        imageUrl: imageOf(entry),
        categories: (entry.categories ?? []).map((category: Node) => plain(category.label ?? category.term)).filter(Boolean),
      };
    }),
  };
}

function readJson(feed: Node, feedUrl: string): FeedDocument {
  const siteUrl = absolute(feed.home_page_url, feedUrl);
  return {
    title: plain(feed.title) || feedUrl,
    siteUrl,
    hubs: (feed.hubs ?? []).filter((hub: Node) => /websub|pubsubhubbub/i.test(hub.type ?? '')).map((hub: Node) => hub.url),
    selfUrl: absolute(feed.feed_url, feedUrl),
    items: (feed.items ?? []).map((item: Node) => {
      const link = absolute(item.url ?? item.external_url, siteUrl ?? feedUrl);
      const title = plain(item.title);
      return {
        key: text(item.id === undefined ? undefined : String(item.id)) ?? link ?? hashOf(title, item.date_published),
        title,
        contentHtml: item.content_html ?? (item.content_text ? `<p>${escapeText(item.content_text)}</p>` : ''),
        baseUrl: link ?? siteUrl ?? feedUrl,
        summary: item.summary ? plain(item.summary) : undefined,
        author: text(item.authors?.[0]?.name ?? feed.authors?.[0]?.name),
        link,
        publishedAt: item.date_published ?? item.date_modified,
        updatedAt: item.date_modified,
        imageUrl: absolute(item.image ?? item.banner_image, link ?? feedUrl),
        categories: (item.tags ?? []).map(plain).filter(Boolean),
      };
    }),
  };
}

/** The first image among enclosures, media:content and media:thumbnail. */
function imageOf(item: Node): string | undefined {
  const enclosure = (item.enclosures ?? (item.enclosure ? [item.enclosure] : [])).find((one: Node) => /^image\//.test(one.type ?? ''));
  const media = [...(item.media?.contents ?? []), ...(item.media?.group?.contents ?? [])].find((one: Node) => one.medium === 'image' || /^image\//.test(one.type ?? ''));
  const thumbnail = item.media?.thumbnails?.[0] ?? item.media?.group?.thumbnails?.[0];
  const url = enclosure?.url ?? media?.url ?? thumbnail?.url;
  return absolute(url, item.link);
}

/** An Atom text construct as HTML. */
function asHtml(construct: Node): string {
  const value = String(construct.value ?? '');
  return construct.type === 'html' || construct.type === 'xhtml' ? value : `<p>${escapeText(value)}</p>`;
}

/** An Atom text construct as plain text: `type="html"` holds markup to read, `text` the text itself. */
function textConstruct(construct: Node | undefined): string {
  if (!construct) return '';
  return construct.type === 'html' || construct.type === 'xhtml' ? plain(htmlToText(String(construct.value ?? ''))) : plain(construct.value);
}

const plain = (value: unknown): string => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '');
const text = (value: unknown): string | undefined => plain(value) || undefined;
const escapeText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const hashOf = (title: string, date: unknown) => `sha256:${createHash('sha256').update(`${title}\n${String(date ?? '')}`).digest('hex')}`;

function links(list: Node[] | undefined, rel: string, base: string): string[] {
  return (list ?? []).filter((link) => (link.rel ?? 'alternate') === rel).flatMap((link) => absolute(link.href, base) ?? []);
}

/** An absolute http(s) URL, or undefined. */
function absolute(url: unknown, base: string | undefined): string | undefined {
  if (typeof url !== 'string' || !url.trim()) return undefined;
  try {
    const resolved = new URL(url.trim(), base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}
