// The WebSub hub's endpoint (POST /websub, form-encoded, answered 202 or 400 with a plain
// reason) and the admin's list of subscriptions.
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { HUB_PATH } from '../../feeds/feed-urls.js';
import type { AdminCheck } from '../auth.js';
import { parseInput } from '../errors.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().regex(/^[\w-]{32}$/, 'is not a cursor from a previous page').optional(),
});

const parseForm = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

export function websubRoutes(ctx: AppContext, auth: AdminCheck, hubLimiter: RequestHandler): Router {
  const router = Router();

  router.post(HUB_PATH, hubLimiter, parseForm, (req, res) => {
    const answer = ctx.websub.request(req.is('application/x-www-form-urlencoded') ? req.body : undefined);
    res.type('text/plain; charset=utf-8');
    if (!answer.accepted) return void res.status(400).send(answer.reason);
    res.status(202).send('Accepted: the callback will be asked to confirm this request.');
  });

  router.get('/api/websub/subscriptions', auth.requireAdmin, (req, res) => {
    const { cursor, limit } = parseInput(listQuery, req.query);
    const page = ctx.websub.subscriptions(cursor, limit);
    const next = page.next ? `${ctx.config.baseUrl}/api/websub/subscriptions?${new URLSearchParams({ limit: String(limit), cursor: page.next })}` : null;
    if (next) res.links({ next });
    res.json({ items: page.items, next });
  });
  return router;
}
