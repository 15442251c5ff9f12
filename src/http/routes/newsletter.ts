// /api/subscriptions (public) and the admin's /api/subscribers and /api/newsletter calls.
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { eraseSubscriber, importSubscribers, listSubscribers, previewDigest } from '../../newsletter/subscribers-admin.js';
import { subscribe } from '../../newsletter/subscriptions.js';
import type { AdminCheck } from '../auth.js';
import { parseInput } from '../errors.js';
import { jsonBody, parseJson, parseLargeJson } from '../json-body.js';
import { emailPreviewSecurityHeaders } from '../security-headers.js';

const runsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().regex(/^[\w-]{1,100}$/, 'is not a cursor from a previous page').optional(),
});

export function newsletterRoutes(ctx: AppContext, auth: AdminCheck, subscribeLimiter: RequestHandler): Router {
  const router = Router();

  router.post('/api/subscriptions', subscribeLimiter, parseJson, async (req, res) => {
    await subscribe(ctx, jsonBody(req));
    res.status(202).json({ status: 'accepted', detail: 'If the address can be subscribed, a confirmation email is on its way. Nothing is sent until its link is followed.' });
  });

  router.get('/api/subscribers', auth.requireAdmin, (req, res) => {
    const page = listSubscribers(ctx, req.query);
    const next = page.next ? `${ctx.config.baseUrl}/api/subscribers?${page.next}` : null;
    if (next) res.links({ next });
    res.json({ items: page.items, next });
  });
  router.post('/api/subscribers', auth.requireAdmin, parseLargeJson, async (req, res) => {
    res.json(await importSubscribers(ctx, jsonBody(req)));
  });
  router.delete('/api/subscribers/:id', auth.requireAdmin, async (req, res) => {
    await eraseSubscriber(ctx, req.params.id as string);
    res.status(204).end();
  });

  router.post('/api/newsletter/runs', auth.requireAdmin, async (_req, res) => {
    res.json(await ctx.newsletter.run('manual'));
  });
  router.get('/api/newsletter/runs', auth.requireAdmin, (req, res) => {
    const { cursor, limit } = parseInput(runsQuery, req.query);
    const page = ctx.store.newsletter.pageRuns(cursor, limit);
    // The body stays the array this list always was; the next (older) page is in the Link header.
    if (page.next) res.links({ next: `${ctx.config.baseUrl}/api/newsletter/runs?${new URLSearchParams({ limit: String(limit), cursor: page.next })}` });
    res.json(page.items);
  });
  router.get('/api/newsletter/preview', auth.requireAdmin, emailPreviewSecurityHeaders, async (req, res) => {
    const preview = await previewDigest(ctx, req.query.categories);
    // Tells a script whether it sees the next digest or a sample of the latest articles.
    res.set('X-Notiziario-Preview', preview.kind).type('html').send(preview.html);
  });

  return router;
}
