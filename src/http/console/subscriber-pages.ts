// Subscribers in the console (admins only): counts by status and category, a search, CSV export,
// CSV import with a preview of which rows go in and why others do not, and erasure after a question.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { recordAudit } from '../../console/accounts.js';
import type { AppContext } from '../../context.js';
import { readSubscriberCsv, writeSubscriberCsv } from '../../newsletter/subscriber-csv.js';
import { eraseSubscriber, importSubscribers, type ImportResult } from '../../newsletter/subscribers-admin.js';
import { HttpError } from '../errors.js';
import type { ConsoleRenderer } from './render-console.js';
import { consoleLocals, requireRole } from './session.js';

const SEARCH_RESULTS = 50;
const STATUSES = ['confirmed', 'pending', 'bouncing', 'unsubscribed'] as const;

export function subscriberPageRoutes(ctx: AppContext, view: ConsoleRenderer, form: RequestHandler[]): Router {
  const router = Router();
  const { text, admin } = view;
  const adminOnly = requireRole('admin');
  const { newsletter } = ctx.store;
  const actorOf = (res: Response) => consoleLocals(res).account!.email;

  router.get('/admin/subscribers', adminOnly, (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase() : '';
    const subscribers = newsletter.allSubscribers().filter((subscriber) => subscriber.status !== 'erased');
    const byStatus = STATUSES.map((status) => ({ label: text.statusNames[status], count: subscribers.filter((subscriber) => subscriber.status === status).length }));
    const following = new Map<string, number>();
    for (const subscriber of subscribers) {
      if (subscriber.status !== 'confirmed') continue;
      for (const slug of subscriber.categories.length ? subscriber.categories : ['']) following.set(slug, (following.get(slug) ?? 0) + 1);
    }
    const byCategory = [...following].map(([slug, count]) => ({ label: slug ? (ctx.store.articles.category(slug)?.name ?? slug) : text.allCategories, count })).sort((a, b) => b.count - a.count);
    const found = q
      ? subscribers
          .filter((subscriber) => subscriber.email.includes(q))
          .slice(0, SEARCH_RESULTS)
          .map((subscriber) => ({ email: subscriber.email, status: text.statusNames[subscriber.status], erase: admin(`/subscribers/${subscriber.id}/erase`) }))
      : undefined;
    view.send(res, 'subscribers.njk', { title: text.subscribersHeading, section: 'subscribers', byStatus, byCategory, q, found, done: req.query.done === 'erased' ? text.erased : undefined });
  });

  router.get('/admin/subscribers/export.csv', adminOnly, async (_req, res) => {
    const csv = writeSubscriberCsv(newsletter.allSubscribers());
    await recordAudit(ctx, actorOf(res), 'subscribers-exported');
    res.type('text/csv; charset=utf-8').attachment('subscribers.csv').send(csv);
  });

  router.get('/admin/subscribers/import', adminOnly, (_req, res) => view.send(res, 'import.njk', { title: text.importHeading, section: 'subscribers', csv: '' }));

  router.post('/admin/subscribers/import', ...form, adminOnly, async (req, res) => {
    // An uploaded file wins over the paste box; the preview shows its text there, so the
    // confirming post sends the same rows without the file.
    const upload = res.locals.upload as Buffer | undefined;
    const csv = upload ? new TextDecoder().decode(upload) : typeof req.body?.csv === 'string' ? req.body.csv : '';
    const { rows, headerProblem } = readSubscriberCsv(csv);
    const base = { title: text.importHeading, section: 'subscribers', csv };
    if (headerProblem || !rows.length) return view.send(res, 'import.njk', { ...base, errors: [{ field: 'csv', message: `${text.csvLabel}: ${text.fieldMessage(headerProblem ?? 'no rows')}` }] }, 422);
    const doImport = req.body?.action === 'import';
    const result = await importSubscribers(ctx, rows, { dryRun: !doImport });
    if (doImport) await recordAudit(ctx, actorOf(res), 'subscribers-imported', text.imported(result.imported, result.skipped));
    view.send(res, 'import.njk', { ...base, done: doImport, result, rows: outcomes(rows, result), csv: doImport ? '' : csv });
  });

  /** Each row's fate: its line in the file (the header is line 1), its address, why it is refused. */
  function outcomes(rows: Record<string, unknown>[], result: ImportResult) {
    return rows.map((row, index) => {
      const reasons = result.errors.filter((error) => error.index === index).map((error) => `${error.field} ${text.fieldMessage(error.message)}`);
      return { line: index + 2, email: String(row.email ?? ''), refused: reasons.length > 0, outcome: reasons.length ? text.refused(reasons.join('; ')) : text.willImport };
    });
  }

  const subscriberOr404 = (req: Request) => {
    const subscriber = newsletter.subscriberById(String(req.params.id));
    if (!subscriber || subscriber.status === 'erased') throw HttpError.notFound(`There is no subscriber ${req.params.id}`);
    return subscriber;
  };

  router.get('/admin/subscribers/:id/erase', adminOnly, (req, res) => {
    const subscriber = subscriberOr404(req);
    view.send(res, 'confirm-erase.njk', { title: text.eraseHeading, section: 'subscribers', email: subscriber.email, action: admin(`/subscribers/${subscriber.id}/erase`), back: admin('/subscribers') });
  });

  router.post('/admin/subscribers/:id/erase', ...form, adminOnly, async (req, res) => {
    const subscriber = subscriberOr404(req);
    await eraseSubscriber(ctx, subscriber.id);
    // The audit names the record, not the person: an erasure keeps no address anywhere.
    await recordAudit(ctx, actorOf(res), 'subscriber-erased', subscriber.id);
    res.redirect(303, admin('/subscribers?done=erased'));
  });

  return router;
}
