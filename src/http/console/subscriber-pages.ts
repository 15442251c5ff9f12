// Subscribers in the console (admins only): counts by status and category, a search, CSV export,
// CSV import with a preview of which rows go in and why others do not, and erasure after a question.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { recordAudit } from '../../console/accounts.js';
import type { AppContext } from '../../context.js';
import { readSubscriberCsv, writeSubscriberCsv } from '../../newsletter/subscriber-csv.js';
import { eraseSubscriber, findSubscribers, importSubscribers, type ImportResult } from '../../newsletter/subscribers-admin.js';
import { subscriberSlices } from '../../store/newsletter.js';
import { EVERY_CATEGORY } from '../../store/subscriber-index.js';
import { HttpError } from '../errors.js';
import type { ConsoleRenderer } from './render-console.js';
import { consoleLocals, requireRole } from './session.js';

const SEARCH_RESULTS = 50;
/** Subscribers per piece of the CSV export. */
const EXPORT_SLICE = 1000;
const STATUSES = ['confirmed', 'pending', 'bouncing', 'unsubscribed'] as const;

export function subscriberPageRoutes(ctx: AppContext, view: ConsoleRenderer, form: RequestHandler[]): Router {
  const router = Router();
  const { text, admin } = view;
  const adminOnly = requireRole('admin');
  const { newsletter } = ctx.store;
  const actorOf = (res: Response) => consoleLocals(res).account!.email;

  router.get('/admin/subscribers', adminOnly, async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().toLowerCase() : '';
    const counts = newsletter.subscriberCounts();
    const byStatus = STATUSES.map((status) => ({ label: text.statusNames[status], count: counts.byStatus[status] }));
    const byCategory = [...counts.confirmedByCategory].map(([slug, count]) => ({ label: slug === EVERY_CATEGORY ? text.allCategories : (ctx.store.articles.category(slug)?.name ?? slug), count })).sort((a, b) => b.count - a.count);
    const found = q
      ? (await findSubscribers(ctx, q, SEARCH_RESULTS)).map((subscriber) => ({ email: subscriber.email, status: text.statusNames[subscriber.status], erase: admin(`/subscribers/${subscriber.id}/erase`) }))
      : undefined;
    view.send(res, 'subscribers.njk', { title: text.subscribersHeading, section: 'subscribers', byStatus, byCategory, q, found, done: req.query.done === 'erased' ? text.erased : undefined });
  });

  router.get('/admin/subscribers/export.csv', adminOnly, async (_req, res, next) => {
    await recordAudit(ctx, actorOf(res), 'subscribers-exported');
    res.type('text/csv; charset=utf-8').attachment('subscribers.csv');
    // Written a slice at a time as the client takes it: a million rows are never one string.
    pipeline(Readable.from(writeSubscriberCsv(subscriberSlices(newsletter, EXPORT_SLICE))), res).catch((err) => (res.headersSent ? res.destroy(err) : next(err)));
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
