// Creating, changing and deleting articles: validated input in, stored article out. Used by the
// API and by the demo content, so both follow the same rules.
import type { ArticleDeps } from './deps.js';
import { toIsoDate, type CleanContent, type CreateArticleInput, type UpdateArticleInput } from '../domain/article-input.js';
import { articleVersion, type ArticleRecord } from '../domain/article.js';
import { HttpError, type FieldError } from '../http/errors.js';
import type { ArticleFields } from '../store/articles.js';
import { offLoop } from './clean-off-loop.js';

/** Where an ingested article came from (ingest/): stored with it, in the same write. */
export type ArticleOriginFields = Pick<ArticleFields, 'source' | 'originalUrl'>;

export async function createArticle(ctx: ArticleDeps, input: CreateArticleInput, origin: ArticleOriginFields = {}): Promise<ArticleRecord> {
  const content = await cleanOrRefuse(input.contentHtml, input.summary);
  // After the wait for the worker thread, so that the related articles still exist.
  checkRelated(ctx, input.related);
  const now = ctx.clock().toISOString();
  const fields: ArticleFields = {
    title: input.title,
    ...content,
    author: input.author ?? ctx.config.siteTitle,
    categories: ctx.store.articles.ensureCategories(input.categories),
    ...(input.imageUrl ? { imageUrl: input.imageUrl } : {}),
    publishedAt: input.publishedAt ? toIsoDate(input.publishedAt) : now,
    updatedAt: now,
    status: input.status,
    ...(input.related ? { related: input.related } : {}),
    ...origin,
  };
  return withSummaryKnown(await ctx.store.articles.create(fields));
}

export interface UpdateOptions {
  /** Where an ingested article came from, stored with the change. */
  origin?: ArticleOriginFields;
  /** The version its editor read (If-Match, the console's form). */
  ifVersion?: string;
}

/**
 * Changes an article. With `ifVersion`, a change to an article that was saved by someone else
 * since is refused with a 412.
 */
export async function updateArticle(ctx: ArticleDeps, id: string, input: UpdateArticleInput, { origin = {}, ifVersion }: UpdateOptions = {}): Promise<ArticleRecord> {
  const articles = ctx.store.articles;
  const before = articles.byId(id);
  if (!before) throw HttpError.notFound(`There is no article with id ${id}`);
  if (ifVersion !== undefined && ifVersion !== articleVersion(before)) {
    throw new HttpError(412, 'Precondition failed', 'The article was changed since this version was read; read it again and send the change on top of the current version');
  }
  const { imageUrl, related, categories, publishedAt, contentHtml, summary, ...plain } = input;
  const content = contentHtml === undefined ? undefined : await cleanNewContent(before, contentHtml, summary);
  // Cleaning large content waits for a worker thread: another write may have come first.
  if (articles.byId(id) !== before) throw new HttpError(409, 'Conflict', 'The article changed or was deleted while this change was processed; read it and send the change again');
  checkRelated(ctx, input.related ?? undefined, before.slug);
  const changes: Partial<ArticleFields> = { ...plain, ...content, ...origin, updatedAt: ctx.clock().toISOString() };
  if (!content && summary !== undefined) changes.summary = summary;
  if (categories) changes.categories = articles.ensureCategories(categories);
  if (publishedAt) changes.publishedAt = toIsoDate(publishedAt);
  else if (before.status === 'draft' && input.status === 'published' && Date.parse(before.publishedAt) < Date.parse(changes.updatedAt!)) {
    // A draft is published now, not when it was first written: readers and digests see it as new.
    changes.publishedAt = changes.updatedAt;
  }
  if (imageUrl !== undefined) changes.imageUrl = imageUrl ?? undefined;
  if (related !== undefined) changes.related = related ?? undefined;
  return withSummaryKnown(await articles.update(id, changes));
}

/** The article page asks every view whether the summary was cut from the text: answered now, off the event loop. */
async function withSummaryKnown(article: ArticleRecord): Promise<ArticleRecord> {
  // The article is written by now: if the thread fails, the page works it out on its first view.
  await offLoop.hasDerivedSummary(article).catch(() => undefined);
  return article;
}

/** New content for an article: a summary that was cut from the old text follows the new text; a written one stays. */
async function cleanNewContent(before: ArticleRecord, contentHtml: string, summary: string | undefined): Promise<CleanContent> {
  const keptSummary = (await offLoop.hasDerivedSummary(before)) ? undefined : before.summary;
  return cleanOrRefuse(contentHtml, summary ?? keptSummary);
}

export async function deleteArticle(ctx: ArticleDeps, id: string): Promise<void> {
  if (!(await ctx.store.articles.remove(id))) throw HttpError.notFound(`There is no article with id ${id}`);
}

/** Clean content, or a 422 naming `contentHtml` with the reason it cannot be an article's. */
async function cleanOrRefuse(contentHtml: string, summary: string | undefined): Promise<CleanContent> {
  const result = await offLoop.cleanContent(contentHtml, summary);
  if ('refused' in result) throw HttpError.invalid([{ field: 'contentHtml', message: result.refused }]);
  return result;
}

/** Explicit related articles must exist, and an article is not related to itself. */
function checkRelated(ctx: ArticleDeps, related: string[] | undefined, ownSlug?: string): void {
  const errors: FieldError[] = (related ?? []).flatMap((slug, index) =>
    !ctx.store.articles.bySlug(slug) || slug === ownSlug ? [{ field: `related.${index}`, message: `no other article has the slug "${slug}"` }] : [],
  );
  if (errors.length) throw HttpError.invalid(errors);
}
