// /api/subscriptions (public) and the admin's /api/subscribers and /api/newsletter calls.
import { Router, type RequestHandler } from 'express';
import type { AppContext } from '../../context.js';
import { eraseSubscriber, importSubscribers, listSubscribers, previewDigest } from '../../newsletter/subscribers-admin.js';
import { subscribe } from '../../newsletter/subscriptions.js';
import type { AdminCheck } from '../auth.js';
import { jsonBody, parseJson, parseLargeJson } from '../json-body.js';
import { emailPreviewSecurityHeaders } from '../security-headers.js';

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
  router.get('/api/newsletter/runs', auth.requireAdmin, (_req, res) => {
    res.json([...ctx.store.newsletter.runs()].reverse());
  });
  router.get('/api/newsletter/preview', auth.requireAdmin, emailPreviewSecurityHeaders, async (req, res) => {
    const preview = await previewDigest(ctx, req.query.categories);
    // Tells a script whether it sees the next digest or a sample of the latest articles.
    res.set('X-Notiziario-Preview', preview.kind).type('html').send(preview.html);
  });

  return router;
}
