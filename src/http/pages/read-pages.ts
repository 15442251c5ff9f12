// The pages people read: the home page, a page per category, a page per article. Only due,
// published articles are shown; anything else is a readable 404.
import { Router, type Response } from 'express';
import type { AppContext } from '../../context.js';
import { hasDerivedSummary } from '../../domain/article-input.js';
import { isDue, type ArticleRecord } from '../../domain/article.js';
import { escapeHtml } from '../../domain/text.js';
import { articleUrl, scopePath } from '../../feeds/feed-urls.js';
import { SITE_SCOPE } from '../../store/articles.js';
import { HttpError } from '../errors.js';
import { parsePageNumber } from '../page-number.js';
import { PAGE_ROUTES } from './page-paths.js';
import { articleCard, categoryFeeds, pagination } from './page-views.js';
import type { PageRenderer } from './render-page.js';
import { subscribeFormView } from './subscribe-form.js';

/** Articles per page of the home page and of a category page. */
const ARTICLES_PER_PAGE = 10;
/** Read pages change when an article is published; a minute of caching is harmless. */
const READ_PAGE_CACHE = 'public, max-age=60';

function sendPage(res: Response, html: string): void {
  res.set('Cache-Control', READ_PAGE_CACHE).type('html').send(html);
}

export function readPageRoutes(ctx: AppContext, pages: PageRenderer): Router {
  const router = Router();
  const { articles } = ctx.store;
  const { paths } = pages;

  /** One page of a scope's due articles; a page past the end is a 404. */
  function listPage(scope: string, page: number, href: string) {
    const now = ctx.clock();
    const total = articles.countDue(scope, now);
    const pager = pagination(href, page, total, ARTICLES_PER_PAGE);
    if (page > pager.last) throw HttpError.notFound(`This list has ${pager.last} page${pager.last > 1 ? 's' : ''}`);
    const items = articles.listDue(scope, now, (page - 1) * ARTICLES_PER_PAGE, ARTICLES_PER_PAGE);
    return { articles: items.map((article) => articleCard(ctx, paths, article)), pagination: pager };
  }

  router.get(PAGE_ROUTES.home, (req, res) => {
    const list = listPage(SITE_SCOPE, parsePageNumber(req.query.page), paths.home);
    const categories = articles.categories(ctx.clock()).map((category) => ({ ...category, href: paths.category(category.slug) }));
    const html = pages.render(
      'home.njk',
      { description: ctx.config.siteDescription, canonical: ctx.config.baseUrl + scopePath(SITE_SCOPE) },
      { ...list, categories, subscribe: subscribeFormView(ctx) },
    );
    sendPage(res, html);
  });

  router.get(PAGE_ROUTES.category, (req, res) => {
    const category = articles.visibleCategory(req.params.slug!, ctx.clock());
    if (!category) throw HttpError.notFound(`There is no category "${req.params.slug}"`);
    const list = listPage(category.slug, parsePageNumber(req.query.page), paths.category(category.slug));
    const feeds = categoryFeeds(ctx, category);
    const html = pages.render(
      'category.njk',
      { title: category.name, description: `${ctx.config.siteDescription}: ${category.name}`, canonical: ctx.config.baseUrl + scopePath(category.slug), feeds: [feeds] },
      { ...list, category, currentCategory: category.slug, categoryFeeds: feeds, embed: embedSnippets(ctx, pages, category.slug, category.name) },
    );
    sendPage(res, html);
  });

  router.get(PAGE_ROUTES.article, (req, res) => {
    const article = articles.bySlug(req.params.slug!);
    const now = ctx.clock();
    if (!article && articles.isRetired(req.params.slug!)) throw HttpError.articleGone(req.params.slug!);
    // Drafts and scheduled articles do not exist for readers.
    if (!article || !isDue(article, now)) throw HttpError.notFound(`There is no article "${req.params.slug}"`);
    sendPage(res, renderArticlePage(ctx, pages, article));
  });

  return router;
}

/** An article's page; the console's preview shows drafts and scheduled articles with a notice. */
export function renderArticlePage(ctx: AppContext, pages: PageRenderer, article: ArticleRecord, preview?: { previewNotice: string; noindex: true }): string {
  return pages.render('article.njk', { ...articleMeta(ctx, article), ...(preview ? { noindex: true } : {}) }, {
    article: { ...articleCard(ctx, pages.paths, article), contentHtml: article.contentHtml, updatedAt: article.updatedAt, origin: originOf(ctx, article) },
    related: ctx.store.articles.related(article, ctx.clock()).map((other) => articleCard(ctx, pages.paths, other)),
    // A summary cut from the text would repeat the first paragraph; only a written one is shown.
    showSummary: !hasDerivedSummary(article),
    previewNotice: preview?.previewNotice,
  });
}

function articleMeta(ctx: AppContext, article: ArticleRecord) {
  const url = articleUrl(ctx.config.baseUrl, article.slug);
  const categories = ctx.store.articles.categoriesOf(article.categories);
  return {
    title: article.title,
    description: article.summary,
    // An ingested article's home is its original: search engines are pointed there.
    canonical: article.originalUrl ?? url,
    feeds: categories.map((category) => categoryFeeds(ctx, category)),
    og: { type: 'article', title: article.title, description: article.summary, image: article.imageUrl, url, publishedTime: article.publishedAt },
  };
}

/** Where an ingested article was first published: its source's name, and the item's own page (else the source's site). */
function originOf(ctx: AppContext, article: ArticleRecord): { title: string; url: string } | undefined {
  const source = article.source && ctx.store.sources.byId(article.source.id);
  if (!source && !article.originalUrl) return undefined;
  const url = article.originalUrl ?? source!.siteUrl ?? source!.url;
  return { title: source?.title ?? new URL(url).host, url };
}

/** The copy-paste snippets for a category: the script embed and the iframe. */
function embedSnippets(ctx: AppContext, pages: PageRenderer, slug: string, name: string) {
  const origin = new URL(ctx.config.baseUrl).origin;
  const script = `<script src="${origin}${pages.paths.embedScript}" data-category="${slug}" data-limit="5" async></script>`;
  const title = escapeHtml(pages.text.embedFrameTitle(name));
  const frame = `<iframe src="${origin}${pages.paths.embedFrame(slug)}?limit=5" title="${title}" width="360" height="420" loading="lazy" style="border:0"></iframe>`;
  return { script, frame };
}
