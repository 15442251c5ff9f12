// Articles and categories: the named questions the rest of Notiziario asks, answered from
// in-memory indexes, and the writes, acknowledged once they are on disk.
import { randomUUID } from 'node:crypto';
import { categoryKey, isDue, type ArticleRecord, type Category } from '../domain/article.js';
import { firstFreeSlug, slugify } from '../domain/text.js';
import type { Database } from './database.js';
import type { ContentData } from './schema.js';
import { Timeline, type Cursor } from './timeline.js';

/** The scope of the site-wide feed; categories are scoped by their slug. */
export const SITE_SCOPE = '';

export type ArticleFields = Omit<ArticleRecord, 'id' | 'slug'>;

export interface CategoryCount extends Category {
  count: number;
}

/** Called after a write with the scopes (SITE_SCOPE, category slugs) whose feeds changed. */
export type ChangeListener = (scopes: ReadonlySet<string>) => void;

export interface ArticleStore {
  byId(id: string): ArticleRecord | undefined;
  bySlug(slug: string): ArticleRecord | undefined;
  /** True for the slug of an article that was deleted (its URL is gone for good). */
  isRetired(slug: string): boolean;
  category(slug: string): Category | undefined;
  /**
   * The category if readers may see it: it has at least one due published article. Any other
   * category (only drafts, scheduled or deleted articles) answers as if it never existed.
   */
  visibleCategory(slug: string, now: Date): Category | undefined;
  /** The categories of these slugs, in their order; unknown slugs are left out. */
  categoriesOf(slugs: readonly string[]): Category[];
  /** The visible categories (see visibleCategory), by name. */
  categories(now: Date): CategoryCount[];
  /** Due articles of a scope, newest first, for feeds and pages. */
  listDue(scope: string, now: Date, offset: number, limit: number): ArticleRecord[];
  listDueAfter(scope: string, now: Date, cursor: Cursor, limit: number): ArticleRecord[];
  /** Due articles of any of the categories published after `since`, newest first, each once. */
  listDueSince(categories: readonly string[], now: Date, since: Date): ArticleRecord[];
  countDue(scope: string, now: Date): number;
  nextDueAt(scope: string, now: Date): number | undefined;
  related(article: ArticleRecord, now: Date, limit?: number): ArticleRecord[];
  /** Slugs of categories with these names, created when new. */
  ensureCategories(names: readonly string[]): string[];
  create(fields: ArticleFields): Promise<ArticleRecord>;
  update(id: string, changes: Partial<ArticleFields>): Promise<ArticleRecord>;
  remove(id: string): Promise<ArticleRecord | undefined>;
  onChange(listener: ChangeListener): void;
}

/** ISO dates of one format sort as strings; no locale rules needed. */
const newestFirst = (a: ArticleRecord, b: ArticleRecord) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0);

export function createArticleStore(db: Database<ContentData>): ArticleStore {
  const byId = new Map<string, ArticleRecord>();
  const bySlug = new Map<string, ArticleRecord>();
  const categoriesBySlug = new Map<string, Category>(db.data.categories.map((c) => [c.slug, c]));
  const categoriesByKey = new Map<string, Category>(db.data.categories.map((c) => [categoryKey(c.name), c]));
  const timelines = new Map<string, Timeline>();
  const listeners: ChangeListener[] = [];

  const timeline = (scope: string) => timelines.get(scope) ?? Timeline.empty();
  /** The one rule of what readers may see of a category: it has a due published article. */
  const isVisible = (slug: string, now: Date) => timeline(slug).countDue(now.getTime()) > 0;
  const scopesOf = (article: ArticleRecord) => [SITE_SCOPE, ...article.categories];

  function index(article: ArticleRecord): void {
    byId.set(article.id, article);
    bySlug.set(article.slug, article);
    if (article.status !== 'published') return;
    for (const scope of scopesOf(article)) {
      if (!timelines.has(scope)) timelines.set(scope, Timeline.empty());
      timelines.get(scope)!.insert(article);
    }
  }

  function indexAll(articles: readonly ArticleRecord[]): void {
    const byScope = new Map<string, ArticleRecord[]>([[SITE_SCOPE, []]]);
    for (const article of articles) {
      byId.set(article.id, article);
      bySlug.set(article.slug, article);
      if (article.status !== 'published') continue;
      for (const scope of scopesOf(article)) {
        if (!byScope.has(scope)) byScope.set(scope, []);
        byScope.get(scope)!.push(article);
      }
    }
    for (const [scope, scoped] of byScope) timelines.set(scope, Timeline.of(scoped));
  }

  function unindex(article: ArticleRecord): void {
    byId.delete(article.id);
    bySlug.delete(article.slug);
    for (const scope of scopesOf(article)) timelines.get(scope)?.remove(article);
  }

  const retiredSlugs = new Set(db.data.retiredSlugs);
  const taken = (slug: string) => bySlug.has(slug) || retiredSlugs.has(slug);
  const uniqueSlug = (title: string) => firstFreeSlug(slugify(title), taken);

  async function commit(...touched: ArticleRecord[]): Promise<void> {
    const scopes = new Set(touched.flatMap(scopesOf));
    for (const listener of listeners) listener(scopes);
    await db.persist();
  }

  indexAll(db.data.articles);

  return {
    byId: (id) => byId.get(id),
    bySlug: (slug) => bySlug.get(slug),
    isRetired: (slug) => retiredSlugs.has(slug),
    category: (slug) => categoriesBySlug.get(slug),
    visibleCategory: (slug, now) => (isVisible(slug, now) ? categoriesBySlug.get(slug) : undefined),
    categoriesOf: (slugs) => slugs.flatMap((slug) => categoriesBySlug.get(slug) ?? []),
    categories: (now) =>
      [...categoriesBySlug.values()]
        .filter((category) => isVisible(category.slug, now))
        .map((category) => ({ ...category, count: timeline(category.slug).countDue(now.getTime()) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    listDue: (scope, now, offset, limit) => timeline(scope).due(now.getTime(), offset, limit),
    listDueAfter: (scope, now, cursor, limit) => timeline(scope).dueAfter(now.getTime(), cursor, limit),
    listDueSince(categories, now, since) {
      const seen = new Map<string, ArticleRecord>();
      for (const slug of categories) {
        for (const article of timeline(slug).dueSince(now.getTime(), since.getTime())) seen.set(article.id, article);
      }
      return [...seen.values()].sort(newestFirst);
    },
    countDue: (scope, now) => timeline(scope).countDue(now.getTime()),
    nextDueAt: (scope, now) => timeline(scope).nextDueAt(now.getTime()),
    related(article, now, limit = 3) {
      if (article.related) {
        return article.related
          .map((slug) => bySlug.get(slug))
          .filter((other): other is ArticleRecord => !!other && other.id !== article.id && isDue(other, now))
          .slice(0, limit);
      }
      const candidates = new Map<string, ArticleRecord>();
      for (const slug of article.categories) {
        for (const other of timeline(slug).due(now.getTime(), 0, limit + 1)) {
          if (other.id !== article.id) candidates.set(other.id, other);
        }
      }
      return [...candidates.values()].sort(newestFirst).slice(0, limit);
    },
    ensureCategories(names) {
      const slugs = names.map((name) => {
        const key = categoryKey(name);
        let category = categoriesByKey.get(key);
        if (!category) {
          // A different name whose slug is taken ("C" after "C++") gets the next free one: never merged.
          category = { slug: firstFreeSlug(slugify(name, 'categoria'), (slug) => categoriesBySlug.has(slug)), name };
          categoriesBySlug.set(category.slug, category);
          categoriesByKey.set(key, category);
          db.data.categories.push(category);
        }
        return category.slug;
      });
      // "Salute" and "salute" are one category: an article is in it once.
      return [...new Set(slugs)];
    },
    async create(fields) {
      const article: ArticleRecord = { id: randomUUID(), slug: uniqueSlug(fields.title), ...fields };
      db.data.articles.push(article);
      index(article);
      await commit(article);
      return article;
    },
    async update(id, changes) {
      const before = byId.get(id);
      if (!before) throw new Error(`store: no article ${id}`);
      const after: ArticleRecord = { ...before, ...changes, id: before.id, slug: before.slug };
      unindex(before);
      db.data.articles[db.data.articles.indexOf(before)] = after;
      index(after);
      await commit(before, after);
      return after;
    },
    async remove(id) {
      const article = byId.get(id);
      if (!article) return undefined;
      unindex(article);
      db.data.articles.splice(db.data.articles.indexOf(article), 1);
      retiredSlugs.add(article.slug);
      db.data.retiredSlugs.push(article.slug);
      await commit(article);
      return article;
    },
    onChange: (listener) => listeners.push(listener),
  };
}
