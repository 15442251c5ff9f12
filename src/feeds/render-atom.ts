// Atom 1.0 (RFC 4287), with RFC 5005 paging links. Titles, summaries and names are plain text
// (type="text"): readers that show `type="html"` titles raw would show entities.
import { GENERATOR, imageType, lastUpdate, pagingLinks, type FeedEntry, type FeedOrigin, type FeedPage } from './feed-page.js';
import { cdata, element, renderXmlDocument, type XmlElement } from './xml.js';

const PLAIN = { type: 'text' };

export function renderAtom(page: FeedPage): string {
  const feed = element(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': page.language },
    element('id', {}, page.homeUrl),
    element('title', PLAIN, page.title),
    element('subtitle', PLAIN, page.description),
    element('updated', {}, lastUpdate(page).toISOString()),
    element('generator', {}, GENERATOR),
    element('author', {}, element('name', {}, page.publisher)),
    element('link', { rel: 'alternate', href: page.homeUrl }),
    element('link', { rel: 'self', href: page.pageUrl(page.page) }),
    ...page.hubs.map((hub) => element('link', { rel: 'hub', href: hub })),
    ...pagingLinks(page).map((link) => element('link', link)),
    ...page.entries.map((entry) => atomEntry(entry, page.categoryScheme)),
  );
  return renderXmlDocument(feed);
}

function atomEntry(entry: FeedEntry, categoryScheme: string): XmlElement {
  return element(
    'entry',
    {},
    element('id', {}, `urn:uuid:${entry.id}`),
    element('title', PLAIN, entry.title),
    element('link', { rel: 'alternate', href: entry.url }),
    ...(entry.imageUrl ? [element('link', { rel: 'enclosure', href: entry.imageUrl, type: imageType(entry.imageUrl) })] : []),
    element('published', {}, entry.publishedAt.toISOString()),
    element('updated', {}, entry.updatedAt.toISOString()),
    element('author', {}, element('name', {}, entry.author)),
    ...entry.categories.map((category) => element('category', { term: category.slug, label: category.name, scheme: categoryScheme })),
    element('summary', PLAIN, entry.summary),
    element('content', { type: 'html' }, cdata(entry.contentHtml)),
    ...(entry.origin ? [atomSource(entry.origin)] : []),
  );
}

/** RFC 4287 4.2.11: the feed an entry was copied from, and (as `via`) the entry's page there. */
function atomSource(origin: FeedOrigin): XmlElement {
  return element(
    'source',
    {},
    element('title', PLAIN, origin.title),
    element('link', { rel: 'self', href: origin.feedUrl }),
    ...(origin.originalUrl ? [element('link', { rel: 'via', href: origin.originalUrl })] : []),
  );
}
