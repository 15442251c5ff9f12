// The newsletter in the console (admins only): when it sends next, the runs with their counts,
// the deliveries of a run, the next digest in a sandboxed frame, and "send now" after a question,
// with the run's progress while it sends (a small script polls; without it, a refresh link).
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { recordAudit } from '../../console/accounts.js';
import type { AppContext } from '../../context.js';
import type { RunCounts, RunRecord } from '../../domain/newsletter.js';
import { nextCronRun } from '../../jobs/next-run.js';
import type { DeliveryTally } from '../../store/run-ledger.js';
import { previewDigest } from '../../newsletter/subscribers-admin.js';
import { HttpError } from '../errors.js';
import { framedEmailPreviewSecurityHeaders } from '../security-headers.js';
import type { ConsoleRenderer } from './render-console.js';
import { consoleLocals, requireRole } from './session.js';

const RUNS_SHOWN = 30;
const HOUR_MS = 60 * 60 * 1000;
const DELIVERIES_SHOWN = 200;

/** A run's counts as they stand: recorded once it finished, counted from its deliveries while it sends. */
export function runProgress(run: RunRecord, tally: DeliveryTally): RunCounts & { status: RunRecord['status']; total: number; done: number } {
  const done = tally.sent + tally.deferred + tally.failed;
  const total = done + tally.cancelled + tally.open;
  if (run.status === 'finished') return { status: run.status, ...run.counts, total, done: total };
  return { status: run.status, ...run.counts, sent: tally.sent, deferred: tally.deferred, failed: tally.failed, total, done };
}

export function newsletterPageRoutes(ctx: AppContext, view: ConsoleRenderer, form: RequestHandler[]): Router {
  const router = Router();
  const { text, admin } = view;
  const adminOnly = requireRole('admin');
  const { newsletter } = ctx.store;

  router.get('/admin/newsletter', adminOnly, (req, res) => {
    const now = ctx.clock();
    // Subscribers with a rhythm of their own: the earliest due, and how many within the hour.
    const scheduled = newsletter.scheduledDigests(new Date(now.getTime() + HOUR_MS));
    const runs = [...newsletter.runs()].reverse().slice(0, RUNS_SHOWN).map((run) => ({ ...run, href: admin(`/newsletter/runs/${run.id}`), statusName: run.status === 'finished' ? text.finished : text.running }));
    view.send(res, 'newsletter.njk', {
      title: text.newsletterNav,
      section: 'newsletter',
      nextCronSend: nextCronRun(ctx.config.newsletterCron, ctx.config.timezone, now)?.toISOString(),
      schedule: `${ctx.config.timezone}; NEWSLETTER_CRON ${ctx.config.newsletterCron}`,
      nextRhythmDigest: scheduled.earliest?.toISOString(),
      dueWithinHour: scheduled.dueBy,
      runs,
      busy: req.query.busy === '1' || ctx.newsletter.isRunning,
    });
  });

  router.get('/admin/newsletter/preview', adminOnly, framedEmailPreviewSecurityHeaders, async (_req, res) => {
    res.type('html').send((await previewDigest(ctx, undefined)).html);
  });

  router.get('/admin/newsletter/send', adminOnly, (_req, res) => {
    view.send(res, 'confirm-send.njk', { title: text.sendNow, section: 'newsletter', back: admin('/newsletter') });
  });

  router.post('/admin/newsletter/send', ...form, adminOnly, async (_req, res) => {
    if (ctx.newsletter.isRunning) return res.redirect(303, admin('/newsletter?busy=1'));
    const before = new Set(newsletter.runs().map((run) => run.id));
    // The run is on disk once it reports progress the first time; the page follows it from there.
    let recorded!: () => void;
    const started = new Promise<void>((resolve) => (recorded = resolve));
    ctx.background.run('newsletter run from the console', () => ctx.newsletter.run('manual', () => recorded()).finally(() => recorded()));
    await started;
    const run = newsletter.runs().find((candidate) => !before.has(candidate.id));
    await recordAudit(ctx, consoleLocals(res).account!.email, 'newsletter-sent', run?.id);
    res.redirect(303, admin(run ? `/newsletter/runs/${run.id}` : '/newsletter'));
  });

  const runOr404 = (req: Request): RunRecord => {
    const run = newsletter.runs().find((candidate) => candidate.id === req.params.id);
    if (!run) throw HttpError.notFound(`There is no run ${req.params.id}`);
    return run;
  };

  router.get('/admin/newsletter/runs/:id', adminOnly, async (req, res) => {
    const run = runOr404(req);
    const shown = await newsletter.deliveries(run.id, DELIVERIES_SHOWN);
    const deliveries = shown.map((delivery) => ({ ...delivery, email: newsletter.subscriberById(delivery.subscriberId)?.email || text.erasedSubscriber }));
    const progress = runProgress(run, await newsletter.tallyDeliveries(run.id));
    view.send(res, 'run.njk', {
      title: text.runsHeading,
      section: 'newsletter',
      run,
      progress,
      progressUrl: admin(`/newsletter/runs/${run.id}/progress`),
      deliveries,
      more: progress.total - deliveries.length,
      scripts: run.status === 'running' ? ['console-run.js'] : [],
    });
  });

  router.get('/admin/newsletter/runs/:id/progress', adminOnly, async (req, res: Response) => {
    const run = runOr404(req);
    res.json(runProgress(run, await newsletter.tallyDeliveries(run.id)));
  });

  return router;
}
