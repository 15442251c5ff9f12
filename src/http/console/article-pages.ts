// Articles in the console (editors and admins): the list with its search and filters, the
// editor (draft, publish, unpublish, delete after a question), and a preview of the page.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { createArticle, deleteArticle, updateArticle } from '../../articles/edit-articles.js';
import { recordAudit } from '../../console/accounts.js';
import { savePicture } from '../../console/media.js';
import type { AppContext } from '../../context.js';
import type { ArticleRecord } from '../../domain/article.js';
import { HttpError, type FieldError } from '../errors.js';
import { createPageRenderer } from '../pages/render-page.js';
import { renderArticlePage } from '../pages/read-pages.js';
import { articleState, categoryChoices, createInput, EMPTY_FORM, formErrors, formOf, postedForm, updateInput, type ArticleForm, type ArticleState } from './article-form.js';
import { pageQuery, pager } from './pager.js';
import type { ConsoleRenderer } from './render-console.js';
import { consoleLocals, requireRole } from './session.js';

const ARTICLES_PER_PAGE = 20;
const TITLES_FOUND = 10;
const STATES: readonly ArticleState[] = ['published', 'scheduled', 'draft'];

const queryString = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

export function articlePageRoutes(ctx: AppContext, view: ConsoleRenderer, form: RequestHandler[]): Router {
  const router = Router();
  const { text, admin } = view;
  const editor = requireRole('editor');
  const { articles } = ctx.store;
  const pages = createPageRenderer(ctx);
  const labels: Record<string, string> = {
    title: text.title,
    summary: text.summary,
    contentHtml: text.content,
    categories: text.categories,
    imageUrl: text.imageUrl,
    related: text.related,
    image: text.imageUpload,
    publishAt: text.publishAt(ctx.config.timezone),
  };
  const actorOf = (res: Response) => consoleLocals(res).account!.email;
  const stateName = (state: ArticleState) => ({ published: text.statusPublished, scheduled: text.statusScheduled, draft: text.statusDraft })[state];

  /** Every category an article has, drafts' too, by name. */
  const knownCategories = () => articles.categoriesOf([...new Set(articles.all().flatMap((article) => article.categories))]).sort((a, b) => a.name.localeCompare(b.name));

  router.get('/admin/articles', editor, (req, res) => {
    const filters = { q: queryString(req.query.q), status: queryString(req.query.status), category: queryString(req.query.category), source: queryString(req.query.source) };
    const now = ctx.clock();
    const words = filters.q.toLowerCase();
    const all = articles.all();
    const matching = all.filter(
      (article) =>
        (!words || article.title.toLowerCase().includes(words)) &&
        (!filters.status || articleState(article, now) === filters.status) &&
        (!filters.category || article.categories.includes(filters.category)) &&
        (!filters.source || article.source?.id === filters.source),
    );
    const page = pageQuery(req.query.page);
    const shown = matching.slice((page - 1) * ARTICLES_PER_PAGE, page * ARTICLES_PER_PAGE).map((article) => ({
      ...article,
      state: stateName(articleState(article, now)),
      href: admin(`/articles/${article.id}`),
    }));
    const categories = knownCategories();
    const query = Object.fromEntries(Object.entries(filters).filter(([, value]) => value));
    view.send(res, 'articles.njk', {
      title: text.articles,
      section: 'articles',
      filters,
      states: STATES.map((value) => ({ value, label: stateName(value) })),
      categories,
      // Only admins see sources (their page is theirs); editors filter by the other fields.
      sources: consoleLocals(res).account!.role === 'admin' ? ctx.store.sources.all().map((source) => ({ id: source.id, name: source.title || source.url })) : [],
      articles: shown,
      pager: pager(admin('/articles'), query, page, matching.length, ARTICLES_PER_PAGE),
      done: req.query.done === 'deleted' ? text.deleted : undefined,
    });
  });

  function renderEditor(res: Response, articleForm: ArticleForm, extra: { errors?: FieldError[]; conflict?: boolean; saved?: boolean } = {}, status = 200): void {
    const heading = articleForm.id ? text.edit(articleForm.title) : text.newArticle;
    view.send(res, 'editor.njk', {
      title: heading,
      heading,
      section: 'articles',
      form: articleForm,
      categories: categoryChoices(articleForm, knownCategories()),
      state: articleForm.status ? stateName(articleForm.status) : undefined,
      action: admin(articleForm.id ? `/articles/${articleForm.id}` : '/articles/new'),
      timezone: ctx.config.timezone,
      errors: extra.errors ?? [],
      conflict: extra.conflict,
      saved: extra.saved,
      scripts: ['editor.js', 'related-picker.js'],
    }, status);
  }

  const articleOr404 = (req: Request): ArticleRecord => {
    const article = articles.byId(String(req.params.id));
    if (!article) throw HttpError.notFound(`There is no article with id ${req.params.id}`);
    return article;
  };
  /** The posted form, with the URL of the picture that came with it (stored first). */
  async function postedWithPicture(req: Request, res: Response): Promise<ArticleForm> {
    const posted = postedForm(req);
    const upload = res.locals.upload as Buffer | undefined;
    return upload ? { ...posted, imageUrl: await savePicture(ctx, upload) } : posted;
  }
  /** What the pressed button asks for. */
  const statusOf = (req: Request) => (req.body?.action === 'publish' ? 'published' : 'draft');

  // The related-articles picker's answers: the titles that contain the words, newest first.
  router.get('/admin/articles/titles', editor, (req, res) => {
    const words = queryString(req.query.q).toLowerCase();
    const found = words ? articles.all().filter((article) => article.title.toLowerCase().includes(words)) : [];
    res.json(found.slice(0, TITLES_FOUND).map((article) => ({ slug: article.slug, title: article.title })));
  });

  router.get('/admin/articles/new', editor, (_req, res) => renderEditor(res, EMPTY_FORM));

  router.post('/admin/articles/new', ...form, editor, async (req, res) => {
    let posted = postedForm(req);
    let article: ArticleRecord;
    try {
      posted = await postedWithPicture(req, res);
      article = await createArticle(ctx, createInput(ctx, posted, statusOf(req)));
    } catch (err) {
      return renderEditor(res, posted, { errors: formErrors(err, labels, text) }, 422);
    }
    await recordAudit(ctx, actorOf(res), article.status === 'published' ? 'article-published' : 'article-created', article.title);
    res.redirect(303, admin(`/articles/${article.id}?saved=1`));
  });

  router.get('/admin/articles/:id', editor, (req, res) => renderEditor(res, formOf(ctx, articleOr404(req)), { saved: req.query.saved === '1' }));

  router.post('/admin/articles/:id', ...form, editor, async (req, res) => {
    const before = articleOr404(req);
    const known = { id: before.id, slug: before.slug, status: articleState(before, ctx.clock()) };
    let posted: ArticleForm = { ...postedForm(req), ...known };
    let article: ArticleRecord;
    try {
      posted = { ...(await postedWithPicture(req, res)), ...known };
      article = await updateArticle(ctx, before.id, updateInput(ctx, posted, statusOf(req)), { ifVersion: posted.version ?? '' });
    } catch (err) {
      // Someone saved first: everything this editor wrote stays in the form, with the message.
      if (err instanceof HttpError && err.status === 412) return renderEditor(res, posted, { conflict: true }, 409);
      return renderEditor(res, posted, { errors: formErrors(err, labels, text) }, 422);
    }
    const action = article.status === 'published' && before.status !== 'published' ? 'article-published' : article.status === 'draft' && before.status === 'published' ? 'article-unpublished' : 'article-saved';
    await recordAudit(ctx, actorOf(res), action, article.title);
    res.redirect(303, admin(`/articles/${article.id}?saved=1`));
  });

  router.get('/admin/articles/:id/preview', editor, (req, res) => {
    res.type('html').send(renderArticlePage(ctx, pages, articleOr404(req), { previewNotice: text.previewNotice, noindex: true }));
  });

  router.get('/admin/articles/:id/delete', editor, (req, res) => {
    const article = articleOr404(req);
    view.send(res, 'confirm-delete.njk', { title: text.delete, section: 'articles', article, action: admin(`/articles/${article.id}/delete`), back: admin(`/articles/${article.id}`) });
  });

  router.post('/admin/articles/:id/delete', ...form, editor, async (req, res) => {
    const article = articleOr404(req);
    await deleteArticle(ctx, article.id);
    await recordAudit(ctx, actorOf(res), 'article-deleted', article.title);
    res.redirect(303, admin('/articles?done=deleted'));
  });

  return router;
}
