// /feeds.opml: every feed of the site and its categories, OPML 2.0.
import type { Category } from '../domain/article.js';
import { SITE_SCOPE } from '../store/articles.js';
import { FEED_FORMATS, FEED_NAMES, feedUrls, scopePath } from './feed-urls.js';
import { element, renderXmlDocument } from './xml.js';

export function renderOpml(site: { baseUrl: string; title: string }, categories: Category[], updated: Date): string {
  const outline = (scope: string, title: string) => {
    const urls = feedUrls(site.baseUrl, scope);
    const feeds = FEED_FORMATS.map((format) =>
      // OPML 2.0: a subscription is type="rss" whatever the feed's format.
      element('outline', { type: 'rss', text: `${title} (${FEED_NAMES[format]})`, title, xmlUrl: urls[format], htmlUrl: site.baseUrl + scopePath(scope) }),
    );
    return element('outline', { text: title }, ...feeds);
  };
  const head = element('head', {}, element('title', {}, site.title), element('dateModified', {}, updated.toUTCString()));
  const body = element('body', {}, outline(SITE_SCOPE, site.title), ...categories.map((category) => outline(category.slug, `${site.title} · ${category.name}`)));
  return `${renderXmlDocument(element('opml', { version: '2.0' }, head, body))}\n`;
}
