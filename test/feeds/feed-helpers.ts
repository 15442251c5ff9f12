// What the feed tests share: creating articles, fetching the three formats and parsing them
// with a real feed parser (feedsmith).
import assert from 'node:assert/strict';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import type { TestService } from '../helpers/service.js';

export const MINUTE = 60_000;
export const FORMATS = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' } as const;
export const CONTENT_TYPES = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' };
export type Format = keyof typeof FORMATS;

export type Article = Record<'id' | 'slug' | 'title' | 'summary' | 'contentHtml' | 'author' | 'url' | 'publishedAt' | 'updatedAt', string>;

/** Text of an HTML field (the RSS description holds the summary as HTML) as a reader shows it. */
export function decodeHtml(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
}

export const iso = (date: string | undefined) => new Date(date!).toISOString();

export async function create(service: TestService, fields: Record<string, unknown>): Promise<Article> {
  service.clock.advance(MINUTE);
  const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { contentHtml: '<p>Testo.</p>', ...fields } });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as Article;
}

/** A 200 with exactly this content type; its body. */
export async function fetchText(service: TestService, path: string, contentType: string): Promise<string> {
  const res = await service.request(path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  assert.equal(res.headers.get('content-type'), contentType);
  return res.text();
}

/** The three feeds of a scope ('' for the site, '/categories/x' for a category), parsed. */
export async function readFeeds(service: TestService, prefix = '', query = '') {
  const get = (format: Format) => fetchText(service, `${prefix}/${FORMATS[format]}${query}`, CONTENT_TYPES[format]);
  const [rss, atom, json] = await Promise.all([get('rss'), get('atom'), get('json')]);
  return { rss: parseRssFeed(rss), atom: parseAtomFeed(atom), json: parseJsonFeed(JSON.parse(json)), raw: { rss, atom, json: JSON.parse(json) } };
}

export type Feeds = Awaited<ReturnType<typeof readFeeds>>;

export const idsOf = (feeds: Feeds) => ({
  rss: (feeds.rss.items ?? []).map((item) => item.guid?.value),
  atom: (feeds.atom.entries ?? []).map((entry) => entry.id),
  json: (feeds.json.items ?? []).map((item) => item.id),
});

export const urn = (...articles: Article[]) => articles.map((article) => `urn:uuid:${article.id}`);
