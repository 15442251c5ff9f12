// /feeds.opml: every feed of the site and its categories, OPML 2.0.
import type { Category } from '../domain/article.js';
import { escapeHtml } from '../domain/text.js';
import { SITE_SCOPE } from '../store/articles.js';
import { FEED_FORMATS, FEED_NAMES, feedUrls, scopePath } from './feed-urls.js';

export function renderOpml(site: { baseUrl: string; title: string }, categories: Category[], updated: Date): string {
  const outline = (scope: string, title: string) => {
    const urls = feedUrls(site.baseUrl, scope);
    const feeds = FEED_FORMATS.map(
      (format) =>
        // OPML 2.0: a subscription is type="rss" whatever the feed's format.
        `      <outline type="rss" text="${escapeHtml(`${title} (${FEED_NAMES[format]})`)}" title="${escapeHtml(title)}" xmlUrl="${escapeHtml(urls[format])}" htmlUrl="${escapeHtml(site.baseUrl + scopePath(scope))}"/>`,
    );
    return [`    <outline text="${escapeHtml(title)}">`, ...feeds, '    </outline>'].join('\n');
  };
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeHtml(site.title)}</title>`,
    `    <dateModified>${updated.toUTCString()}</dateModified>`,
    '  </head>',
    '  <body>',
    outline(SITE_SCOPE, site.title),
    ...categories.map((category) => outline(category.slug, `${site.title} · ${category.name}`)),
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
