// What the API does with an article's content through real HTTP: HTML that sanitises to nothing
// is refused, control characters never reach a stored field, and nesting too deep for the
// sanitiser is refused before it can hold the service.
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cleanContent, hasDerivedSummary } from '../../src/domain/article-input.js';
import type { ArticleView as Article } from '../../src/domain/article.js';
import { startTestService, type TestService } from '../helpers/service.js';

interface Problem {
  status: number;
  errors?: { field: string; message: string }[];
}

describe('article content', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
  });

  after(async () => {
    await service.stop({ removeData: true });
  });

  const post = (json: Record<string, unknown>) => service.request('/api/articles', { method: 'POST', admin: true, json });
  const patch = (id: string, json: Record<string, unknown>) => service.request(`/api/articles/${id}`, { method: 'PATCH', admin: true, json });

  async function create(json: Record<string, unknown>): Promise<Article> {
    const res = await post(json);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Article;
  }

  async function titles(): Promise<string[]> {
    const res = await service.request('/api/articles?limit=100', { admin: true });
    return ((await res.json()) as { items: Article[] }).items.map((article) => article.title);
  }

  function timed(work: () => unknown): number {
    const started = performance.now();
    work();
    return performance.now() - started;
  }

  /** Asserts a 422 whose only field error names `contentHtml`. */
  async function expectContentRefused(res: Response): Promise<string> {
    assert.equal(res.status, 422, await res.clone().text());
    const problem = (await res.json()) as Problem;
    assert.deepEqual(problem.errors?.map((error) => error.field), ['contentHtml']);
    return problem.errors![0]!.message;
  }

  describe('HTML that sanitises to nothing', () => {
    const empty = [
      '<script>alert(1)</script>',
      '<style>p { color: red }</style><iframe src="https://evil.example/"></iframe>',
      '<p> </p><p>&nbsp;</p><br><hr>',
      '<!-- only a comment -->',
      '<p>\u200b\u0085\u0001</p>',
    ];

    it('is refused on create with 422 naming `contentHtml`, and nothing is published', async () => {
      for (const contentHtml of empty) {
        const message = await expectContentRefused(await post({ title: 'Vuoto', contentHtml }));
        assert.match(message, /nothing/, contentHtml);
      }
      assert.ok(!(await titles()).includes('Vuoto'));
    });

    it('is refused on PATCH with 422 naming `contentHtml`, and the article keeps its content', async () => {
      const article = await create({ title: 'Da svuotare', contentHtml: '<p>Il testo resta.</p>' });
      for (const contentHtml of empty) await expectContentRefused(await patch(article.id, { contentHtml }));
      const after = (await (await service.request(`/api/articles/${article.id}`)).json()) as Article;
      assert.equal(after.contentHtml, '<p>Il testo resta.</p>');
      assert.equal(after.summary, 'Il testo resta.');
    });

    it('an image alone is content: accepted', async () => {
      const article = await create({ title: 'Solo una foto', contentHtml: '<figure><img src="https://example.com/foto.jpg" alt=""></figure>' });
      assert.equal(article.contentHtml, '<figure><img src="https://example.com/foto.jpg" alt="" /></figure>');
    });
  });

  describe('control characters', () => {
    it('C1 controls (U+0080–U+009F) are stripped like C0 ones from every text field', async () => {
      const controls = '\u0080\u0085\u009f\u0001\u001f';
      const article = await create({
        title: `Titolo${controls} pulito`,
        summary: `Sommario${controls} pulito`,
        author: `Autrice${controls} pulita`,
        categories: [`Categoria${controls} pulita`],
        contentHtml: `<p>Testo${controls} pulito</p><img src="https://example.com/a.jpg" alt="foto${controls}">`,
      });
      assert.equal(article.title, 'Titolo pulito');
      assert.equal(article.summary, 'Sommario pulito');
      assert.equal(article.author, 'Autrice pulita');
      assert.deepEqual(article.categories, [{ slug: 'categoria-pulita', name: 'Categoria pulita' }]);
      assert.equal(article.contentHtml, '<p>Testo pulito</p><img src="https://example.com/a.jpg" alt="foto" />');
    });

    it('a control character written as a character reference is stripped too', async () => {
      const article = await create({ title: 'Riferimenti', contentHtml: '<p>a&#1;b&#x1F;c&#xFFFF;d</p>' });
      assert.equal(article.contentHtml, '<p>abcd</p>');
    });
  });

  describe('nesting', () => {
    it('60,000 nested <b> are refused with 422 naming `contentHtml`, on create and on PATCH', async () => {
      const contentHtml = '<b>'.repeat(60_000) + 'profondo';
      const message = await expectContentRefused(await post({ title: 'Profondo', contentHtml }));
      assert.match(message, /100 deep/);
      const article = await create({ title: 'Da approfondire', contentHtml: '<p>Piano.</p>' });
      await expectContentRefused(await patch(article.id, { contentHtml }));
      assert.ok(!(await titles()).includes('Profondo'));
    });

    it('12,000 nested tables are refused with 422 naming `contentHtml`', async () => {
      assert.match(await expectContentRefused(await post({ title: 'Tabelle', contentHtml: '<table><tr><td>'.repeat(12_000) + 'cella' })), /100 deep/);
    });

    it('an ordinary article nested a few levels deep is accepted as it is', async () => {
      const contentHtml = '<blockquote><ul><li><table><tbody><tr><td><p><strong><em>Citazione</em></strong></p></td></tr></tbody></table></li></ul></blockquote>';
      assert.equal((await create({ title: 'Annidato', contentHtml })).contentHtml, contentHtml);
    });
  });

  describe('large content', () => {
    it('is cleaned off the event loop: other requests are not held while it is sanitised', async () => {
      const contentHtml = '<p>x'.repeat(50_000);
      // What cleaning this content costs when it runs on the event loop.
      const inlineMs = timed(() => cleanContent(contentHtml));
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const res = await post({ title: 'Lungo', contentHtml });
      delay.disable();
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as Article).summary, `${'x '.repeat(120).trim()}…`);
      const longestBlockMs = delay.max / 1e6;
      assert.ok(longestBlockMs < inlineMs / 2, `the event loop was held ${longestBlockMs.toFixed(0)} ms; cleaning inline takes ${inlineMs.toFixed(0)} ms`);
    });

    it('content over 200,000 characters is refused with 422 naming `contentHtml`', async () => {
      assert.match(await expectContentRefused(await post({ title: 'Troppo lungo', contentHtml: `<p>${'x'.repeat(200_000)}</p>` })), /at most 200000/);
    });

    it('the page of a large article does not parse its content again on each view', async () => {
      const article = await create({ title: 'Pagina lunga', contentHtml: '<p>x'.repeat(50_000) });
      // What the page would cost if it parsed the content: the shorter of two runs, JIT warm.
      const parseMs = Math.min(...[0, 1].map(() => timed(() => hasDerivedSummary({ ...article }))));
      // The shortest of three views: a garbage collection may hold one of them, never all three.
      const blocks: number[] = [];
      for (let view = 0; view < 3; view += 1) {
        const delay = monitorEventLoopDelay({ resolution: 1 });
        delay.enable();
        const page = await service.request(`/articles/${article.slug}`);
        assert.equal(page.status, 200);
        await page.text();
        delay.disable();
        blocks.push(delay.max / 1e6);
      }
      const shortestMs = Math.min(...blocks);
      assert.ok(shortestMs < parseMs / 2, `each view held the event loop at least ${shortestMs.toFixed(0)} ms; parsing the content takes ${parseMs.toFixed(0)} ms`);
    });

    it('a PATCH of large content keeps a summary cut from the old text following the new one', async () => {
      const article = await create({ title: 'Lungo da cambiare', contentHtml: '<p>vecchio'.repeat(5_000) });
      assert.match(article.summary, /^vecchio vecchio/);
      const res = await patch(article.id, { contentHtml: '<p>nuovo'.repeat(5_000) });
      assert.equal(res.status, 200);
      assert.match(((await res.json()) as Article).summary, /^nuovo nuovo/);
    });

    it('an article deleted while its new content is cleaned: the PATCH answers 409 or 404, and nothing comes back', async () => {
      const article = await create({ title: 'Cancellato nel frattempo', contentHtml: '<p>Breve.</p>' });
      const patching = patch(article.id, { contentHtml: '<p>lungo'.repeat(20_000) });
      const deleted = await service.request(`/api/articles/${article.id}`, { method: 'DELETE', admin: true });
      assert.equal(deleted.status, 204);
      assert.ok([404, 409].includes((await patching).status));
      assert.equal((await service.request(`/api/articles/${article.id}`, { admin: true })).status, 404);
    });
  });
});
