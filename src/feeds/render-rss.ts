// RSS 2.0, with content:encoded, dc:creator and atom:link (self and RFC 5005 paging).
import { escapeHtml } from '../domain/text.js';
import { GENERATOR, imageType, lastUpdate, pagingLinks, type FeedEntry, type FeedPage } from './feed-page.js';
import { cdata, element, renderXmlDocument, type XmlElement } from './xml.js';

const NAMESPACES = {
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
};

export function renderRss(page: FeedPage): string {
  const channel = element(
    'channel',
    {},
    element('title', {}, page.title),
    element('link', {}, page.homeUrl),
    element('description', {}, page.description),
    element('lastBuildDate', {}, lastUpdate(page).toUTCString()),
    element('docs', {}, 'https://validator.w3.org/feed/docs/rss2.html'),
    element('generator', {}, GENERATOR),
    element('language', {}, page.language),
    element('atom:link', { rel: 'self', href: page.pageUrl(page.page), type: 'application/rss+xml' }),
    ...page.hubs.map((hub) => element('atom:link', { rel: 'hub', href: hub })),
    ...pagingLinks(page).map((link) => element('atom:link', link)),
    ...page.entries.map(rssItem),
  );
  return renderXmlDocument(element('rss', { version: '2.0', ...NAMESPACES }, channel));
}

function rssItem(entry: FeedEntry): XmlElement {
  return element(
    'item',
    {},
    // Plain text, escaped once for XML: a reader shows exactly the editor's title.
    element('title', {}, entry.title),
    element('link', {}, entry.url),
    element('guid', { isPermaLink: 'false' }, `urn:uuid:${entry.id}`),
    element('pubDate', {}, entry.publishedAt.toUTCString()),
    // RSS readers take description as HTML: the plain-text summary is escaped as HTML first.
    element('description', {}, cdata(escapeHtml(entry.summary))),
    element('content:encoded', {}, cdata(entry.contentHtml)),
    ...entry.categories.map((category) => element('category', { domain: category.url }, category.name)),
    ...(entry.imageUrl ? [element('enclosure', { url: entry.imageUrl, length: '0', type: imageType(entry.imageUrl) })] : []),
    // RSS <author> must be an email address; dc:creator carries a name.
    element('dc:creator', {}, entry.author),
    ...(entry.origin ? [element('source', { url: entry.origin.feedUrl }, entry.origin.title)] : []),
  );
}
