// A page of a feed in one format: RSS 2.0 and Atom 1.0 through our XML writer, JSON Feed 1.1 as
// plain data. Each renderer is pure: the same page gives the same bytes.
import type { FeedFormat } from './feed-urls.js';
import type { FeedPage } from './feed-page.js';
import { renderAtom } from './render-atom.js';
import { renderJsonFeed } from './render-json-feed.js';
import { renderRss } from './render-rss.js';

export type { FeedEntry, FeedPage } from './feed-page.js';

const RENDERERS: Record<FeedFormat, (page: FeedPage) => string> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };

/** A page of a feed as text, the same bytes for the same input. */
export function renderFeed(format: FeedFormat, page: FeedPage): string {
  return RENDERERS[format](page);
}
