// Part 7: hostile article input. Each kind of input, as large as the API accepts (MAX_CONTENT
// characters of contentHtml, 2 MB of JSON), is POSTed to the real service; then the pages and
// feeds that show it are fetched, and the article is deleted. What is measured is the longest
// event-loop block during each request: what every other client waits for, against 100 ms.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { closeContext } from '../src/context.js';
import { MAX_CONTENT } from '../src/domain/article-input.js';
import { startServer } from '../src/http/server.js';
import { articleHtml, createParagraphPool, seededRandom } from './content.js';
import { openBenchContext, tempDir } from './fixtures.js';
import type { Report } from './report.js';

const TARGET_MS = 100;
const FEED_PAGE = 20;
const PART = 'hostile input (longest event-loop block per request)';

/** `unit` repeated inside `before` … `after`, up to `limit` characters. */
const fill = (unit: string, before = '', after = '', limit = MAX_CONTENT) => before + unit.repeat(Math.floor((limit - before.length - after.length) / unit.length)) + after;

interface HostileInput {
  kind: string;
  body: Record<string, unknown>;
}

function hostileInputs(): HostileInput[] {
  const content = (kind: string, contentHtml: string): HostileInput => ({ kind, body: { title: kind, contentHtml } });
  const typical = articleHtml(seededRandom(7), createParagraphPool(7), 5_000);
  return [
    content('typical article, 5 KB (baseline)', typical),
    content('typical paragraphs up to the limit', fill(`${typical}\n`)),
    content('plain text, words', fill('parola ')),
    content('white space, then one word', fill(' ', '', 'x')),
    content('siblings <b>x</b>', fill('<b>x</b>')),
    content('void elements <br>', fill('<br>')),
    content('unclosed paragraphs <p>x', fill('<p>x')),
    content('links <a href>', fill('<a href="https://e.x/">x</a>')),
    content('table cells in one table', fill('<td>x', '<table><tr>', '</table>')),
    content('disallowed tags <span>', fill('<span>x</span>')),
    content('entities &amp;', fill('&amp;')),
    content('numeric references &#x1F600;', fill('&#x1F600;')),
    content('one attribute as long as the limit', fill('a', '<img src="https://e.x/a.jpg" alt="', '">')),
    content('one href as long as the limit', fill('a', '<a href="https://e.x/', '">x</a>')),
    content('href full of <!---->', fill('a<!---->', '<a href="https://e.x/', '">x</a>')),
    // ` a` and up to 4 base-36 digits: at most 6 characters an attribute.
    content('distinct attributes on one tag', `<b${Array.from({ length: (MAX_CONTENT - 10) / 6 }, (_, i) => ` a${i.toString(36)}`).join('')}>x</b>`),
    content('comments <!--x-->', fill('<!--x-->', '<p>x</p>')),
    content('an unterminated comment', fill('x', '<p>x</p><!--')),
    content('an unterminated tag', fill(' x', '<p>x</p><b')),
    content('nesting 100 deep, repeated', fill(`${'<i>'.repeat(99)}x${'</i>'.repeat(99)}`)),
    content('stray closing tags 100 deep', fill('</q>', `${'<i>'.repeat(99)}x`)),
    content('control characters', fill('\u0001x')),
    content('nesting <b> as deep as the limit allows (refused)', fill('<b>')),
    content('nested tables (refused)', fill('<table><tr><td>')),
    content('a script as long as the limit (refused)', fill('x', '<script>', '</script>')),
    content('1,000,000 characters of <p>x (refused: over the limit)', fill('<p>x', '', '', 1_000_000)),
    { kind: 'a title of 2 MB of words (refused)', body: { title: 'parola '.repeat(290_000), contentHtml: '<p>x</p>' } },
    { kind: '300,000 categories (refused)', body: { title: 'categorie', contentHtml: '<p>x</p>', categories: Array.from({ length: 300_000 }, (_, i) => (i % 100).toString(36)) } },
  ];
}

export async function benchHostileInput(report: Report): Promise<void> {
  const ctx = await openBenchContext(await tempDir('hostile'));
  const http = await startServer(ctx, 0, '127.0.0.1');
  const admin = { authorization: `Bearer ${ctx.config.adminToken}` };
  let worst = { ms: 0, what: '' };
  try {
    for (const input of hostileInputs()) {
      report.progress(`hostile: ${input.kind}`);
      const json = JSON.stringify(input.body);
      const post = await measureRequest(http.url + '/api/articles', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: json });
      const blocks = [`POST ${post.status} ${post.ms.toFixed(0)} ms`];
      let longest = post.ms;
      if (post.status === 201) {
        const { id, slug } = JSON.parse(post.body) as { id: string; slug: string };
        // Feeds and the page render the article on the first request after the write.
        for (const path of [`/articles/${slug}`, '/rss.xml', '/atom.xml', '/feed.json']) {
          const get = await measureRequest(http.url + path, {});
          blocks.push(`${path.startsWith('/articles/') ? 'page' : path} ${get.ms.toFixed(0)}`);
          longest = Math.max(longest, get.ms);
        }
        await fetch(`${http.url}/api/articles/${id}`, { method: 'DELETE', headers: admin });
      }
      const size = `${(Buffer.byteLength(json) / 1024 / 1024).toFixed(2)} MB body`;
      report.figure(PART, input.kind, longest, 'ms', `${size} · ${blocks.join(' · ')}`);
      if (longest > worst.ms) worst = { ms: longest, what: input.kind };
    }
    // A feed page holds 20 articles: all of them as large as the limit allows, in dense markup.
    const kind = `a feed of ${FEED_PAGE} articles of table cells as long as the limit`;
    report.progress(`hostile: ${kind}`);
    const body = JSON.stringify({ title: 'tabella', contentHtml: fill('<td>x', '<table><tr>', '</table>') });
    for (let n = 0; n < FEED_PAGE; n += 1) {
      await fetch(`${http.url}/api/articles`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body });
    }
    const blocks: string[] = [];
    let longest = 0;
    for (const path of ['/rss.xml', '/atom.xml', '/feed.json']) {
      const get = await measureRequest(http.url + path, {});
      blocks.push(`${path} ${get.ms.toFixed(0)} ms (${(get.body.length / 1024 / 1024).toFixed(1)} MB)`);
      longest = Math.max(longest, get.ms);
    }
    report.figure(PART, kind, longest, 'ms', blocks.join(' · '));
    if (longest > worst.ms) worst = { ms: longest, what: kind };
  } finally {
    await http.close();
    await closeContext(ctx);
  }
  report.figure(PART, `worst: ${worst.what}`, worst.ms, 'ms', `target ${TARGET_MS} ms`);
  report.ratio(`hostile input: longest block / ${TARGET_MS} ms`, worst.ms / TARGET_MS, { atMost: 1 });
}

/**
 * One request and the longest event-loop block while it was under way. The client runs in this
 * process too: encoding the body and reading the answer are counted, which errs on the safe side.
 */
async function measureRequest(url: string, init: RequestInit): Promise<{ status: number; body: string; ms: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const res = await fetch(url, init);
  const body = await res.text();
  delay.disable();
  return { status: res.status, body, ms: delay.max / 1e6 };
}
