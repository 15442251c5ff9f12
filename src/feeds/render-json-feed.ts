// JSON Feed 1.1 (`feed` wrote 1.0): plain data, so every field is text or HTML as it is.
import type { FeedPage } from './feed-page.js';

export function renderJsonFeed(page: FeedPage): string {
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
    ...(page.hubs.length ? { hubs: page.hubs.map((url) => ({ type: 'WebSub', url })) } : {}),
    items: page.entries.map((entry) => ({
      id: `urn:uuid:${entry.id}`,
      url: entry.url,
      ...(entry.origin?.originalUrl ? { external_url: entry.origin.originalUrl } : {}),
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
