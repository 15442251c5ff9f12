// /api/sources: the feeds published elsewhere that Notiziario fetches and imports (admin only).
import express, { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { MIN_INTERVAL_MINUTES, type SourceRecord } from '../../domain/source.js';
import { MAX_FEED_BYTES } from '../../ingest/fetch-feed.js';
import { SourceRefusedError } from '../../ingest/ingest.js';
import { callbackPath } from '../../ingest/push.js';
import type { AdminCheck } from '../auth.js';
import { HttpError, parseInput } from '../errors.js';
import { jsonBody, parseJson } from '../json-body.js';

const categoryNames = z.array(z.string().trim().min(1).max(60).refine((name) => !/[<>"]/.test(name), 'must not contain < > or "')).max(12);
const intervalMinutes = z.number().int().min(MIN_INTERVAL_MINUTES, `must be at least ${MIN_INTERVAL_MINUTES}`).max(24 * 60);

export const newSourceSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
  categories: categoryNames.optional(),
  keepCategories: z.boolean().optional(),
  intervalMinutes: intervalMinutes.optional(),
  backfill: z.number().int().min(0).max(1000).optional(),
});

const changeSchema = z.strictObject({
  categories: categoryNames.optional(),
  keepCategories: z.boolean().optional(),
  intervalMinutes: intervalMinutes.optional(),
  /** Only `"active"`: a failing or gone source is tried again. */
  state: z.literal('active').optional(),
});

const deleteQuery = z.object({ articles: z.enum(['keep', 'delete']).default('keep') });

/** A source as the API shows it (validators, internal flags and the hub's secret left out). */
function presentSource(ctx: AppContext, source: SourceRecord) {
  const { etag: _etag, lastModified: _lastModified, backfilled: _backfilled, passedOver: _passedOver, push, ...shown } = source;
  return {
    ...shown,
    push: push ? { hub: push.hub, topic: push.topic, state: push.state, leaseEndsAt: push.leaseEndsAt } : null,
    links: { self: `${ctx.config.baseUrl}/api/sources/${source.id}` },
  };
}

const pushBody = express.raw({ type: () => true, limit: MAX_FEED_BYTES });

export function sourceRoutes(ctx: AppContext, auth: AdminCheck): Router {
  const router = Router();
  const found = (id: string) => ctx.store.sources.byId(id) ?? notFound(id);

  router.get('/api/sources', auth.requireAdmin, (_req, res) => {
    const items = ctx.store.sources.all().sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    res.json({ items: items.map((source) => presentSource(ctx, source)) });
  });

  router.post('/api/sources', auth.requireAdmin, parseJson, async (req, res) => {
    const input = parseInput(newSourceSchema, jsonBody(req));
    try {
      const source = await ctx.ingest.add(input);
      res.status(201).location(`${ctx.config.baseUrl}/api/sources/${source.id}`).json(presentSource(ctx, source));
    } catch (err) {
      if (err instanceof SourceRefusedError) throw new HttpError(422, 'Not a source', `${input.url} could not be added: ${err.message}`, [{ field: 'url', message: err.message }]);
      throw err;
    }
  });

  router.get('/api/sources/:id', auth.requireAdmin, (req, res) => {
    res.json(presentSource(ctx, found(req.params.id as string)));
  });

  router.patch('/api/sources/:id', auth.requireAdmin, parseJson, async (req, res) => {
    const { state, ...changes } = parseInput(changeSchema, jsonBody(req));
    const source = (await ctx.ingest.change(req.params.id as string, { ...changes, ...(state ? { active: true } : {}) })) ?? notFound(req.params.id as string);
    res.json(presentSource(ctx, source));
  });

  router.delete('/api/sources/:id', auth.requireAdmin, async (req, res) => {
    const { articles } = parseInput(deleteQuery, req.query);
    if (!(await ctx.ingest.remove(req.params.id as string, articles === 'delete'))) notFound(req.params.id as string);
    res.status(204).end();
  });

  router.post('/api/sources/:id/fetch', auth.requireAdmin, async (req, res) => {
    found(req.params.id as string);
    const source = (await ctx.ingest.fetchNow(req.params.id as string)) ?? notFound(req.params.id as string);
    res.json(presentSource(ctx, source));
  });

  // WebSub callbacks for sources whose feed names a hub (see ingest/push.ts).
  router.get(callbackPath(':id'), async (req, res) => {
    const challenge = await ctx.ingest.verifyCallback(req.params.id as string, req.query);
    if (challenge === undefined) return void res.status(404).type('text/plain').send('No such subscription');
    res.status(200).type('text/plain').send(challenge);
  });

  router.post(callbackPath(':id'), pushBody, async (req, res) => {
    if (!ctx.store.sources.byId(req.params.id as string)) return void res.status(410).type('text/plain').send('This source was removed');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // A bad signature is ignored, and answered like a good one (WebSub §8): the sender learns nothing.
    await ctx.ingest.receivePush(req.params.id as string, body, req.get('content-type') ?? '', req.get('x-hub-signature'));
    res.status(202).end();
  });

  return router;
}

function notFound(id: string): never {
  throw HttpError.notFound(`There is no source with id ${id}`);
}
