// /api/articles and /api/categories: parse the input, call one function, set the headers.
import { Router } from 'express';
import { z } from 'zod';
import { createArticle, deleteArticle, updateArticle } from '../../articles/edit-articles.js';
import type { AppContext } from '../../context.js';
import { createArticleSchema, updateArticleSchema } from '../../domain/article-input.js';
import { articleVersion, isDue, type ArticleRecord } from '../../domain/article.js';
import { feedUrls, scopePath } from '../../feeds/feed-urls.js';
import { SITE_SCOPE } from '../../store/articles.js';
import type { Cursor } from '../../store/timeline.js';
import type { AdminCheck } from '../auth.js';
import { HttpError, parseInput } from '../errors.js';
import { jsonBody, parseJson } from '../json-body.js';
import { presentArticle } from '../present-article.js';

const listQuery = z.object({
  category: z.string().regex(/^[a-z0-9-]+$/, 'must be a category slug').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .transform((value, context) => {
      const match = /^(\d+)\.([0-9a-f-]{36})$/.exec(Buffer.from(value, 'base64url').toString());
      if (!match) context.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' });
      return match ? ({ time: Number(match[1]), id: match[2]! } satisfies Cursor) : z.NEVER;
    })
    .optional(),
});

/** The ETag of an article's version, and the version an If-Match names (undefined: none or `*`). */
const etagOf = (article: ArticleRecord) => `"${articleVersion(article)}"`;
function ifMatchVersion(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  // A weak or unknown tag can never match a version: sent as given, it fails with a 412.
  return /^\s*"([\w-]+)"\s*$/.exec(header)?.[1] ?? header;
}

const encodeCursor = (article: ArticleRecord) => Buffer.from(`${Date.parse(article.publishedAt)}.${article.id}`).toString('base64url');

export function articleRoutes(ctx: AppContext, auth: AdminCheck): Router {
  const router = Router();
  const { articles } = ctx.store;

  router.get('/api/articles', (req, res) => {
    const query = parseInput(listQuery, req.query);
    const scope = query.category ?? SITE_SCOPE;
    const now = ctx.clock();
    if (query.category && !articles.visibleCategory(query.category, now)) throw HttpError.notFound(`There is no category "${query.category}"`);
    const page = query.cursor ? articles.listDueAfter(scope, now, query.cursor, query.limit + 1) : articles.listDue(scope, now, 0, query.limit + 1);
    const items = page.slice(0, query.limit);
    const more = page.length > query.limit;
    const next = more ? `/api/articles?${new URLSearchParams({ ...(query.category ? { category: query.category } : {}), limit: String(query.limit), cursor: encodeCursor(items.at(-1)!) })}` : undefined;
    if (next) res.links({ next: ctx.config.baseUrl + next });
    res.json({ items: items.map((article) => presentArticle(ctx, article)), next: next ? ctx.config.baseUrl + next : null });
  });

  router.get('/api/articles/:ref', (req, res) => {
    const ref = req.params.ref;
    const article = articles.byId(ref) ?? articles.bySlug(ref);
    // Drafts and scheduled articles exist only for the admin.
    if (!article && articles.isRetired(ref)) throw HttpError.articleGone(ref);
    if (!article || (!isDue(article, ctx.clock()) && !auth.isAdmin(req))) throw HttpError.notFound(`There is no article "${ref}"`);
    res.set('ETag', etagOf(article)).json(presentArticle(ctx, article));
  });

  router.post('/api/articles', auth.requireAdmin, parseJson, async (req, res) => {
    const article = await createArticle(ctx, parseInput(createArticleSchema, jsonBody(req)));
    res.status(201).set('ETag', etagOf(article)).location(`${ctx.config.baseUrl}/api/articles/${article.id}`).json(presentArticle(ctx, article));
  });

  router.patch('/api/articles/:id', auth.requireAdmin, parseJson, async (req, res) => {
    const article = await updateArticle(ctx, req.params.id as string, parseInput(updateArticleSchema, jsonBody(req)), { ifVersion: ifMatchVersion(req.get('if-match')) });
    res.set('ETag', etagOf(article)).json(presentArticle(ctx, article));
  });

  router.delete('/api/articles/:id', auth.requireAdmin, async (req, res) => {
    await deleteArticle(ctx, req.params.id as string);
    res.status(204).end();
  });

  router.get('/api/categories', (_req, res) => {
    res.json(
      articles.categories(ctx.clock()).map((category) => ({
        ...category,
        url: ctx.config.baseUrl + scopePath(category.slug),
        feeds: feedUrls(ctx.config.baseUrl, category.slug),
      })),
    );
  });

  return router;
}
