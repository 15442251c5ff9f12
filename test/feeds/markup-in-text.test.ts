// Text that looks like markup (CDATA ends, entities, tags, quotes) in every field an editor
// writes: each feed stays well-formed XML (Chromium's strict parser), keeps its structure, and
// reads back (feedsmith) the exact text the editor wrote, in RSS, Atom and JSON Feed alike.
import assert from 'node:assert/strict';
import { parseOpml } from 'feedsmith';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../pages/browser.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { create, decodeHtml, readFeeds, type Article, type Feeds } from './feed-helpers.js';

/** Closes the CDATA section a title used to be wrapped in, and opens elements of its own. */
const BREAKOUT = 'x]]>]]></title><link>https://evil.example/phish</link><description><![CDATA[<img src=x onerror=alert(1)>]]></description><title><![CDATA[y';
/** An ordinary title that made the RSS feed not well-formed (two `]]>`). */
const ARRAY_TITLE = 'a[b[0]]>1 o c[d[0]]>2';
const ESCAPED_AMPERSAND = 'Tom &amp; Jerry';
const MIXED = `<![CDATA[ "virgolette" & 'apici' ]] &lt;b&gt; &#38; ]]>`;
// Category names may not hold < > or " (the API refuses them); everything else is here.
const CATEGORIES = [ESCAPED_AMPERSAND, "R&D ]] 'q' &lt;x&gt; [[y]]"];

describe('feeds: text that looks like markup', () => {
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let articles: Article[];

  before(async () => {
    // Two articles per page, so that every feed has more than one page.
    service = await startTestService({ FEED_PAGE_SIZE: '2' });
    browser = await launchChromium();
    page = await browser.newPage();
    articles = [
      await create(service, {
        title: BREAKOUT,
        summary: ARRAY_TITLE,
        author: ESCAPED_AMPERSAND,
        categories: CATEGORIES,
        contentHtml: `<p>]]&gt;]]&gt; &lt;![CDATA[ x ]]&gt; &amp;amp; "q" 'a' &lt;/content:encoded&gt;</p><p><a href="https://example.org/?a=1&amp;b=2">l]]&gt;</a></p>`,
      }),
      await create(service, { title: ARRAY_TITLE, summary: BREAKOUT, author: MIXED, categories: CATEGORIES.slice(0, 1), contentHtml: `<p>${ARRAY_TITLE.replace(/>/g, '&gt;')}</p>` }),
      await create(service, { title: ESCAPED_AMPERSAND, summary: MIXED, author: BREAKOUT, categories: CATEGORIES.slice(1) }),
      await create(service, { title: MIXED, summary: ESCAPED_AMPERSAND, author: ARRAY_TITLE, categories: CATEGORIES }),
    ];
  });

  after(async () => {
    await browser?.close();
    await service?.stop({ removeData: true });
  });

  /** Every scope's feeds, every page, parsed: the site and each category. */
  async function everyFeedPage(): Promise<{ where: string; feeds: Feeds }[]> {
    const categories = (await (await service.request('/api/categories')).json()) as { slug: string }[];
    assert.equal(categories.length, CATEGORIES.length, 'two categories, not merged or split');
    const result = [];
    for (const prefix of ['', ...categories.map((category) => `/categories/${category.slug}`)]) {
      for (let number = 1; ; number += 1) {
        const feeds = await readFeeds(service, prefix, number > 1 ? `?page=${number}` : '');
        result.push({ where: `${prefix}/…?page=${number}`, feeds });
        if (!feeds.json.next_url) break;
      }
    }
    return result;
  }

  /** Chromium's XML parser is strict: null when the document is well-formed, else its complaint. */
  const wellFormednessError = (xml: string) =>
    page.evaluate((text) => {
      const error = new DOMParser().parseFromString(text, 'application/xml').querySelector('parsererror');
      return error ? error.textContent : null;
    }, xml);

  it('every feed, on every page of the site and each category, is well-formed XML with only the items and links we wrote', async () => {
    const urls = new Set(articles.map((article) => article.url));
    for (const { where, feeds } of await everyFeedPage()) {
      assert.equal(await wellFormednessError(feeds.raw.rss), null, `RSS ${where}`);
      assert.equal(await wellFormednessError(feeds.raw.atom), null, `Atom ${where}`);
      const items = feeds.rss.items ?? [];
      const entries = feeds.atom.entries ?? [];
      assert.ok(items.length >= 1 && items.length <= 2, `RSS ${where}: ${items.length} items`);
      assert.equal(entries.length, items.length, `Atom ${where}`);
      assert.equal(feeds.json.items?.length, items.length, `JSON ${where}`);
      for (const item of items) assert.ok(urls.has(item.link!), `RSS ${where}: link ${item.link}`);
      for (const entry of entries) assert.deepEqual(entry.links?.map((link) => link.href).filter((href) => !urls.has(href!)), [], `Atom ${where}`);
      assert.ok(!feeds.raw.rss.includes('<link>https://evil.example'), `RSS ${where}`);
    }
  });

  it('titles, summaries, authors, category names and content read back exactly in RSS, Atom and JSON Feed', async () => {
    const seen = new Set<string>();
    for (const { where, feeds } of await everyFeedPage()) {
      for (const article of articles) {
        const id = `urn:uuid:${article.id}`;
        const item = feeds.rss.items?.find((candidate) => candidate.guid?.value === id);
        const entry = feeds.atom.entries?.find((candidate) => candidate.id === id);
        const jsonItem = feeds.json.items?.find((candidate) => candidate.id === id);
        if (!item) continue;
        seen.add(article.id);
        const names = categoriesOf(article);
        const got = {
          rss: { title: item.title, summary: decodeHtml(item.description!), author: item.dc?.creators?.[0], categories: item.categories?.map((category) => category.name), content: item.content?.encoded },
          atom: { title: entry?.title?.value, summary: entry?.summary?.value, author: entry?.authors?.[0]?.name, categories: entry?.categories?.map((category) => category.label), content: entry?.content?.value },
          json: { title: jsonItem?.title, summary: jsonItem?.summary, author: jsonItem?.authors?.[0]?.name, categories: jsonItem?.tags, content: jsonItem?.content_html },
        };
        const expected = { title: article.title, summary: article.summary, author: article.author, categories: names, content: article.contentHtml };
        assert.deepEqual(got, { rss: expected, atom: expected, json: expected }, where);
      }
    }
    assert.equal(seen.size, articles.length);
  });

  it('the literal text "Tom &amp; Jerry" reads back identically in all three formats', async () => {
    const { rss, atom, json } = await readFeeds(service);
    const id = `urn:uuid:${articles[2]!.id}`;
    assert.equal(articles[2]!.title, ESCAPED_AMPERSAND, 'stored as written');
    assert.equal(rss.items?.find((item) => item.guid?.value === id)?.title, ESCAPED_AMPERSAND);
    assert.equal(atom.entries?.find((entry) => entry.id === id)?.title?.value, ESCAPED_AMPERSAND);
    assert.equal(json.items?.find((item) => item.id === id)?.title, ESCAPED_AMPERSAND);
  });

  it('Atom sends titles and summaries as plain text (type="text"), and only content as HTML', async () => {
    for (const { where, feeds } of await everyFeedPage()) {
      assert.equal(feeds.atom.title?.type, 'text', where);
      for (const entry of feeds.atom.entries ?? []) {
        assert.deepEqual([entry.title?.type, entry.summary?.type, entry.content?.type], ['text', 'text', 'html'], where);
      }
      assert.doesNotMatch(feeds.raw.atom, /<(title|subtitle|summary)[^>]*type="(html|xhtml)"/, where);
    }
  });

  it('the OPML list reads back category names exactly', async () => {
    const opml = parseOpml(await (await service.request('/feeds.opml')).text());
    const titles = (opml.body?.outlines ?? []).map((outline) => outline.text);
    const site = titles[0]!;
    assert.deepEqual(titles.slice(1).sort(), CATEGORIES.map((name) => `${site} · ${name}`).sort());
  });

  const categoriesOf = (article: Article) => (article as unknown as { categories: { name: string }[] }).categories.map((category) => category.name);
});
