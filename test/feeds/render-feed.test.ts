// The bytes of each feed format for a fixed page: any drift (an id, a date, escaping) shows up.
// And what the API never lets through but the renderers must still write correctly.
import assert from 'node:assert/strict';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { renderFeed, type FeedPage } from '../../src/feeds/render-feed.js';
import { assertGolden } from '../helpers/golden.js';
import { decodeHtml } from './feed-helpers.js';

const PAGE: FeedPage = {
  title: "Salute · Notiziario",
  description: "Notizie & approfondimenti: l'Italia, com’è",
  language: 'it',
  publisher: 'Notiziario',
  homeUrl: 'https://notiziario.example.org/categories/salute',
  categoryScheme: 'https://notiziario.example.org/categories/',
  hubs: ['https://notiziario.example.org/websub'],
  pageUrl: (n) => `https://notiziario.example.org/categories/salute/feed${n > 1 ? `?page=${n}` : ''}`,
  page: 2,
  lastPage: 3,
  entries: [
    {
      id: '0b6c5a4e-5f7d-4c1e-9a51-2d3f4e5a6b7c',
      title: "L’INPS & l'Italia del noi: “sportelli” <aperti>",
      url: 'https://notiziario.example.org/articles/l-inps-e-l-italia-del-noi',
      summary: 'Più servizi & meno code, perché è così: a[b[0]]>1, Tom &amp; Jerry',
      contentHtml: '<p>Testo con <em>accenti</em> àèìòù &amp; un <a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer">link</a>.</p>',
      author: 'Redazione & Ufficio Stampa',
      categories: [
        { slug: 'salute', name: 'Salute', url: 'https://notiziario.example.org/categories/salute' },
        { slug: 'l-italia-del-noi', name: "l'Italia del noi", url: 'https://notiziario.example.org/categories/l-italia-del-noi' },
      ],
      imageUrl: 'https://notiziario.example.org/assets/demo-sportelli.png',
      publishedAt: new Date('2026-11-20T08:30:00Z'),
      updatedAt: new Date('2026-11-21T10:00:00Z'),
    },
  ],
};

describe('feed rendering: golden files', () => {
  it('RSS 2.0 does not drift', () => assertGolden('feed.rss.xml', renderFeed('rss', { ...PAGE, pageUrl: (n) => PAGE.pageUrl(n).replace('/feed', '/rss.xml') })));
  it('Atom 1.0 does not drift', () => assertGolden('feed.atom.xml', renderFeed('atom', { ...PAGE, pageUrl: (n) => PAGE.pageUrl(n).replace('/feed', '/atom.xml') })));
  it('JSON Feed 1.1 does not drift', () => assertGolden('feed.json', renderFeed('json', { ...PAGE, pageUrl: (n) => PAGE.pageUrl(n).replace('/feed', '/feed.json') })));
});

describe('feed rendering: text the API refuses', () => {
  // Category names may not hold < > or " and control characters are stripped on the way in;
  // the renderers do not rely on it.
  const name = 'a "b" <c> & d\'e &amp; \t]]>';
  const entry = PAGE.entries[0]!;
  const page: FeedPage = {
    ...PAGE,
    title: 'Notiziario\u0001\uFFFE',
    entries: [{ ...entry, title: `x\u0000y\u001Fz \uD800`, author: name, contentHtml: '<p title="]]>">a]]>b]]]]>c\r\nd</p>', categories: [{ slug: 's', name, url: 'https://notiziario.example.org/categories/s?a=1&b="2"' }] }],
  };

  it('HTML content with several ]]> and a carriage return reads back exactly in RSS and Atom', () => {
    const html = page.entries[0]!.contentHtml;
    assert.equal(parseRssFeed(renderFeed('rss', page)).items![0]!.content?.encoded, html);
    assert.equal(parseAtomFeed(renderFeed('atom', page)).entries![0]!.content?.value, html);
  });

  it('quotes, angle brackets and tabs in a category name or author stay in their attribute or element', () => {
    const rss = parseRssFeed(renderFeed('rss', page)).items![0]!;
    const atom = parseAtomFeed(renderFeed('atom', page)).entries![0]!;
    const json = parseJsonFeed(JSON.parse(renderFeed('json', page))).items![0]!;
    assert.deepEqual(rss.categories, [{ name, domain: 'https://notiziario.example.org/categories/s?a=1&b="2"' }]);
    assert.deepEqual(rss.dc?.creators, [name]);
    assert.deepEqual(atom.categories?.map(({ term, label }) => ({ term, label })), [{ term: 's', label: name }]);
    assert.deepEqual(atom.authors?.map((author) => author.name), [name]);
    assert.deepEqual(json.tags, [name]);
    assert.equal(decodeHtml(rss.description!), entry.summary);
  });

  it('characters XML cannot carry are left out of RSS and Atom instead of breaking them', () => {
    for (const format of ['rss', 'atom'] as const) {
      const xml = renderFeed(format, page);
      assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uD800]/, format);
      assert.match(xml, /<title( type="text")?>Notiziario<\/title>/, format);
      assert.match(xml, /<title( type="text")?>xyz <\/title>/, format);
    }
  });
});
