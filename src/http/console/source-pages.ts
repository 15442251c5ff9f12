// The sources in the console (admins only): the list with each one's state, fetches, last error
// and counts; adding one; fetching one now; deleting one after a question. The same service
// calls and the same validation as /api/sources, and every change in the audit log.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { recordAudit } from '../../console/accounts.js';
import type { AppContext } from '../../context.js';
import { SourceRefusedError } from '../../ingest/ingest.js';
import { HttpError, parseInput, type FieldError } from '../errors.js';
import { newSourceSchema } from '../routes/sources.js';
import { formErrors } from './article-form.js';
import type { ConsoleRenderer } from './render-console.js';
import { consoleLocals, requireRole } from './session.js';

interface SourceForm {
  url: string;
  categories: string;
  intervalMinutes: string;
}

const EMPTY_FORM: SourceForm = { url: '', categories: '', intervalMinutes: '' };

export function sourcePageRoutes(ctx: AppContext, view: ConsoleRenderer, form: RequestHandler[]): Router {
  const router = Router();
  const { text, admin } = view;
  const adminOnly = requireRole('admin');
  const actorOf = (res: Response) => consoleLocals(res).account!.email;
  const labels = { url: text.sourceUrl, categories: text.sourceCategories, intervalMinutes: text.sourceInterval };
  const sourceOr404 = (req: Request) => ctx.store.sources.byId(String(req.params.id)) ?? notFound(String(req.params.id));

  function renderList(res: Response, extra: { form?: SourceForm; errors?: FieldError[]; done?: string } = {}, status = 200): void {
    const sources = ctx.store.sources.all().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    view.send(res, 'sources.njk', {
      title: text.sources,
      section: 'sources',
      sources: sources.map((source) => ({ ...source, stateName: text.sourceStates[source.state], articlesHref: admin(`/articles?source=${source.id}`) })),
      form: extra.form ?? EMPTY_FORM,
      errors: extra.errors ?? [],
      done: extra.done,
    }, status);
  }

  router.get('/admin/sources', adminOnly, (req, res) => {
    const done = typeof req.query.done === 'string' ? text.sourceDone[req.query.done] : undefined;
    renderList(res, { done });
  });

  router.post('/admin/sources', ...form, adminOnly, async (req, res) => {
    const field = (name: string) => (typeof req.body?.[name] === 'string' ? (req.body[name] as string).trim() : '');
    const posted: SourceForm = { url: field('url'), categories: field('categories'), intervalMinutes: field('intervalMinutes') };
    let url: string;
    try {
      const input = parseInput(newSourceSchema, {
        url: posted.url,
        categories: posted.categories.split(',').map((name) => name.trim()).filter(Boolean),
        ...(posted.intervalMinutes ? { intervalMinutes: Number(posted.intervalMinutes) } : {}),
      });
      url = (await ctx.ingest.add(input)).url;
    } catch (err) {
      const invalid = err instanceof SourceRefusedError ? HttpError.invalid([{ field: 'url', message: err.message }]) : err;
      return renderList(res, { form: posted, errors: formErrors(invalid, labels, text) }, 422);
    }
    await recordAudit(ctx, actorOf(res), 'source-added', url);
    res.redirect(303, admin('/sources?done=added'));
  });

  router.post('/admin/sources/:id/fetch', ...form, adminOnly, async (req, res) => {
    const source = sourceOr404(req);
    await ctx.ingest.fetchNow(source.id);
    await recordAudit(ctx, actorOf(res), 'source-fetched', source.url);
    res.redirect(303, admin('/sources?done=fetched'));
  });

  router.get('/admin/sources/:id/delete', adminOnly, (req, res) => {
    const source = sourceOr404(req);
    view.send(res, 'confirm-delete-source.njk', {
      title: text.delete,
      section: 'sources',
      source,
      articleCount: ctx.store.articles.ofSource(source.id).length,
      action: admin(`/sources/${source.id}/delete`),
      back: admin('/sources'),
    });
  });

  router.post('/admin/sources/:id/delete', ...form, adminOnly, async (req, res) => {
    const source = sourceOr404(req);
    await ctx.ingest.remove(source.id, req.body?.articles === 'delete');
    await recordAudit(ctx, actorOf(res), 'source-deleted', source.url);
    res.redirect(303, admin('/sources?done=deleted'));
  });

  return router;
}

function notFound(id: string): never {
  throw HttpError.notFound(`There is no source with id ${id}`);
}
