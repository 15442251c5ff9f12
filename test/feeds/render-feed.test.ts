// The bytes of each feed format for a fixed page: any drift (an id, a date, escaping) shows up.
import { renderFeed, type FeedPage } from '../../src/feeds/render-feed.js';
import { assertGolden } from '../helpers/golden.js';

const PAGE: FeedPage = {
  title: "Salute · Notiziario",
  description: "Notizie & approfondimenti: l'Italia, com’è",
  language: 'it',
  publisher: 'Notiziario',
  homeUrl: 'https://notiziario.example.org/categories/salute',
  categoryScheme: 'https://notiziario.example.org/categories/',
  pageUrl: (n) => `https://notiziario.example.org/categories/salute/feed${n > 1 ? `?page=${n}` : ''}`,
  page: 2,
  lastPage: 3,
  entries: [
    {
      id: '0b6c5a4e-5f7d-4c1e-9a51-2d3f4e5a6b7c',
      title: "L’INPS & l'Italia del noi: “sportelli” <aperti>",
      url: 'https://notiziario.example.org/articles/l-inps-e-l-italia-del-noi',
      summary: 'Più servizi & meno code, perché è così',
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
