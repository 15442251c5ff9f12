// Category names through the real API: two different names are two categories, each with its
// own slug; names that differ only in case, surrounding space or Unicode form are one.
import assert from 'node:assert/strict';
import type { ArticleView as Article, Category } from '../../src/domain/article.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('category names', () => {
  let service: TestService;

  beforeEach(async () => {
    service = await startTestService();
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
  });

  async function create(title: string, categories: string[]): Promise<Article> {
    const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { title, contentHtml: '<p>Testo.</p>', categories } });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Article;
  }

  async function listed(): Promise<Category[]> {
    const categories = (await (await service.request('/api/categories')).json()) as Category[];
    return categories.map(({ slug, name }) => ({ slug, name }));
  }

  it('"C++" then "C" are two categories: "C" gets a slug of its own', async () => {
    const cpp = await create('Novità di C++', ['C++']);
    const c = await create('Novità di C', ['C']);
    assert.deepEqual(cpp.categories, [{ slug: 'c', name: 'C++' }]);
    assert.deepEqual(c.categories, [{ slug: 'c-2', name: 'C' }]);
    assert.deepEqual(await listed(), [
      { slug: 'c-2', name: 'C' },
      { slug: 'c', name: 'C++' },
    ]);
  });

  it('names with the same slug in one article are two categories of that article', async () => {
    const article = await create('Linguaggi', ['C', 'C#', 'C++']);
    assert.deepEqual(article.categories, [
      { slug: 'c', name: 'C' },
      { slug: 'c-2', name: 'C#' },
      { slug: 'c-3', name: 'C++' },
    ]);
  });

  it('emoji-only names are distinct categories, each with its own slug', async () => {
    const pizza = await create('Pizza', ['🍕']);
    const cake = await create('Torta', ['🎂']);
    const again = await create('Ancora pizza', ['🍕']);
    assert.deepEqual(pizza.categories, [{ slug: 'categoria', name: '🍕' }]);
    assert.deepEqual(cake.categories, [{ slug: 'categoria-2', name: '🎂' }]);
    assert.deepEqual(again.categories, pizza.categories);
  });

  it('names that differ only in case, surrounding space or Unicode form are one category, named as first written', async () => {
    const composed = 'Società';
    const decomposed = composed.normalize('NFD');
    assert.notEqual(composed, decomposed);
    const first = await create('Primo', [composed]);
    const article = await create('Secondo', ['società', `  ${decomposed}  `, 'SOCIETÀ']);
    assert.deepEqual(first.categories, [{ slug: 'societa', name: 'Società' }]);
    assert.deepEqual(article.categories, first.categories);
    assert.deepEqual(await listed(), [{ slug: 'societa', name: 'Società' }]);
  });

  it('a category created before a restart keeps its slug, and the next distinct name still gets its own', async () => {
    await create('Prima', ['C++']);
    const dataDir = service.dataDir;
    await service.stop();
    service = await startTestService({ DATA_DIR: dataDir });
    const c = await create('Dopo', ['C', 'c++']);
    assert.deepEqual(c.categories, [
      { slug: 'c-2', name: 'C' },
      { slug: 'c', name: 'C++' },
    ]);
  });
});
