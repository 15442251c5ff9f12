// Articles and categories: the named questions the rest of Notiziario asks, answered from
// in-memory indexes, and the writes: acknowledged once they are on disk, visible only then.
import { randomUUID } from 'node:crypto';
import { categoryKey, isDue, listedAt, type ArticleRecord, type Category } from '../domain/article.js';
import { firstFreeSlug, slugify } from '../domain/text.js';
import type { Collection, Engine, RecordChange } from './collections.js';
import { createKeyedQueue } from './keyed-queue.js';
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
  /** Every article, whatever its status, newest first (the console's list). */
  all(): ArticleRecord[];
  bySlug(slug: string): ArticleRecord | undefined;
  /** The article that an item of a source became, if any. */
  bySourceItem(sourceId: string, item: string): ArticleRecord | undefined;
  /** Every article that came from a source. */
  ofSource(sourceId: string): ArticleRecord[];
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
  /** Due articles of any of the categories new after `since` (see listedAt), newest first, each once. */
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

export interface ArticleRepository extends ArticleStore {
  /** Builds the feeds' indexes once the engine has loaded every article. */
  opened(): void;
}

export function createArticleStore(engine: Engine): ArticleRepository {
  const byId = new Map<string, ArticleRecord>();
  const bySlug = new Map<string, ArticleRecord>();
  const categoriesBySlug = new Map<string, Category>();
  /** Categories by their name folded (case, space, Unicode form): one name, one category. */
  const categoriesByKey = new Map<string, Category>();
  const retiredSlugs = new Set<string>();
  /** Ingested articles by source id, then by item identity. */
  const bySource = new Map<string, Map<string, ArticleRecord>>();
  /** Categories named by ensureCategories, stored with the first article written in them. */
  const proposedCategories = new Map<string, Category>();
  /** Slugs of articles being created: two creations at once never take the same one. */
  const reservedSlugs = new Set<string>();
  const timelines = new Map<string, Timeline>();
  /** Ingested articles per scope by when they arrived here, for digests (see listedAt). */
  const arrivals = new Map<string, Timeline>();
  const oneAtATime = createKeyedQueue();
  let indexed = false;
  const listeners: ChangeListener[] = [];

  const timeline = (scope: string) => timelines.get(scope) ?? Timeline.empty();
  /** The one rule of what readers may see of a category: it has a due published article. */
  const isVisible = (slug: string, now: Date) => timeline(slug).countDue(now.getTime()) > 0;
  const scopesOf = (article: ArticleRecord) => [SITE_SCOPE, ...article.categories];

  function index(article: ArticleRecord): void {
    byId.set(article.id, article);
    bySlug.set(article.slug, article);
    if (article.source) {
      if (!bySource.has(article.source.id)) bySource.set(article.source.id, new Map());
      bySource.get(article.source.id)!.set(article.source.item, article);
    }
    if (!indexed || article.status !== 'published') return;
    for (const scope of scopesOf(article)) {
      if (!timelines.has(scope)) timelines.set(scope, Timeline.empty());
      timelines.get(scope)!.insert(article);
      if (!article.source) continue;
      if (!arrivals.has(scope)) arrivals.set(scope, Timeline.empty(listedAt));
      arrivals.get(scope)!.insert(article);
    }
  }

  /** `replaced`: the id keeps its place in byId, which a compaction may be reading (engine.ts). */
  function unindex(article: ArticleRecord, replaced = false): void {
    if (!replaced) byId.delete(article.id);
    bySlug.delete(article.slug);
    if (article.source) bySource.get(article.source.id)?.delete(article.source.item);
    if (!indexed) return;
    for (const scope of scopesOf(article)) {
      timelines.get(scope)?.remove(article);
      arrivals.get(scope)?.remove(article);
    }
  }

  /** Built in one sort per scope: inserting the articles of a start one by one is quadratic. */
  function indexAll(): void {
    const byScope = new Map<string, ArticleRecord[]>([[SITE_SCOPE, []]]);
    for (const article of byId.values()) {
      if (article.status !== 'published') continue;
      for (const scope of scopesOf(article)) {
        if (!byScope.has(scope)) byScope.set(scope, []);
        byScope.get(scope)!.push(article);
      }
    }
    for (const [scope, scoped] of byScope) {
      timelines.set(scope, Timeline.of(scoped));
      arrivals.set(scope, Timeline.of(scoped.filter((article) => article.source), listedAt));
    }
    indexed = true;
  }

  const collection = <R>(name: string, put: (record: R) => void, remove: (id: string) => void, records: () => Iterable<R>): Collection<R> => ({ name, put, delete: remove, records });
  engine.register(
    collection<Category>(
      'categories',
      (category) => {
        categoriesBySlug.set(category.slug, category);
        categoriesByKey.set(categoryKey(category.name), category);
      },
      (slug) => {
        const category = categoriesBySlug.get(slug);
        if (category) categoriesByKey.delete(categoryKey(category.name));
        categoriesBySlug.delete(slug);
      },
      () => [...categoriesBySlug.values()],
    ),
  );
  engine.register(collection<string>('retiredSlugs', (slug) => void retiredSlugs.add(slug), (slug) => void retiredSlugs.delete(slug), () => [...retiredSlugs]));
  /** Scopes whose feeds the commit being applied changes: told to the listeners once it is applied. */
  const changedScopes = new Set<string>();
  const touch = (article: ArticleRecord | undefined) => {
    if (indexed && article) for (const scope of scopesOf(article)) changedScopes.add(scope);
  };
  engine.register({
    ...collection<ArticleRecord>(
      'articles',
      (article) => {
        const before = byId.get(article.id);
        touch(before);
        touch(article);
        if (before) unindex(before, true);
        index(article);
      },
      (id) => {
        const before = byId.get(id);
        touch(before);
        if (before) unindex(before);
      },
      () => byId.values(),
    ),
    applied() {
      if (changedScopes.size === 0) return;
      const scopes = new Set(changedScopes);
      changedScopes.clear();
      for (const listener of listeners) listener(scopes);
    },
  });

  const taken = (slug: string) => bySlug.has(slug) || retiredSlugs.has(slug) || reservedSlugs.has(slug);
  const uniqueSlug = (title: string) => firstFreeSlug(slugify(title), taken);

  /** The article's change, with the categories it is the first to use. */
  function articleChanges(article: ArticleRecord): RecordChange[] {
    const added = article.categories.flatMap((slug) => (categoriesBySlug.has(slug) ? [] : (proposedCategories.get(slug) ?? [])));
    return [...added.map((category) => ({ collection: 'categories', id: category.slug, record: category })), { collection: 'articles', id: article.id, record: article }];
  }

  async function commit(changes: RecordChange[]): Promise<void> {
    await engine.commit(changes);
    for (const change of changes) if (change.collection === 'categories') proposedCategories.delete(change.id);
  }

  return {
    opened: indexAll,
    byId: (id) => byId.get(id),
    all: () => [...byId.values()].sort(newestFirst),
    bySlug: (slug) => bySlug.get(slug),
    bySourceItem: (sourceId, item) => bySource.get(sourceId)?.get(item),
    ofSource: (sourceId) => [...(bySource.get(sourceId)?.values() ?? [])],
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
        // Ingested articles that arrived after `since`, though dated before it.
        for (const article of arrivals.get(slug)?.dueSince(now.getTime(), since.getTime()) ?? []) seen.set(article.id, article);
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
        const known = categoriesByKey.get(key) ?? [...proposedCategories.values()].find((category) => categoryKey(category.name) === key);
        if (known) return known.slug;
        // A different name whose slug is taken ("C" after "C++") gets the next free one: never merged.
        const slug = firstFreeSlug(slugify(name, 'categoria'), (candidate) => categoriesBySlug.has(candidate) || proposedCategories.has(candidate));
        proposedCategories.set(slug, { slug, name });
        return slug;
      });
      // "Salute" and "salute" are one category: an article is in it once.
      return [...new Set(slugs)];
    },
    async create(fields) {
      const article: ArticleRecord = { id: randomUUID(), slug: uniqueSlug(fields.title), ...fields };
      reservedSlugs.add(article.slug);
      try {
        await commit(articleChanges(article));
      } finally {
        reservedSlugs.delete(article.slug);
      }
      return article;
    },
    update: (id, changes) =>
      oneAtATime(id, async () => {
        const before = byId.get(id);
        if (!before) throw new Error(`store: no article ${id}`);
        const after: ArticleRecord = { ...before, ...changes, id: before.id, slug: before.slug };
        await commit(articleChanges(after));
        return after;
      }),
    remove: (id) =>
      oneAtATime(id, async () => {
        const article = byId.get(id);
        if (!article) return undefined;
        await commit([
            { collection: 'articles', id },
            { collection: 'retiredSlugs', id: article.slug, record: article.slug },
          ]);
        return article;
      }),
    onChange: (listener) => listeners.push(listener),
  };
}
