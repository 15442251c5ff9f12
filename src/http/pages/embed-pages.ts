// The embed: /embed.js, a small script other sites load to show a category's latest articles,
// and /embed/{slug}, the same list as a page for an <iframe>.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Request } from 'express';
import type { AppContext } from '../../context.js';
import { HttpError } from '../errors.js';
import { PUBLIC_DIR } from './assets.js';
import { PAGE_ROUTES } from './page-paths.js';
import { articleCard, categoryFeeds } from './page-views.js';
import type { PageRenderer } from './render-page.js';

/** The most items an embed shows: the first page of a feed. */
const EMBED_MAX_ITEMS = 20;
const EMBED_DEFAULT_ITEMS = 5;
// Short: a fixed embed.js reaches every host page within minutes.
const EMBED_SCRIPT_CACHE = 'public, max-age=600';
const EMBED_FRAME_CACHE = 'public, max-age=300';
const OPTIONS_MARKER = '/*@options*/{}';

/** embed.js with the site's language, time zone and words written in, hashed once. */
function buildEmbedScript(ctx: AppContext, pages: PageRenderer): { body: Buffer; etag: string } {
  const source = readFileSync(path.join(PUBLIC_DIR, 'embed.js'), 'utf8');
  if (!source.includes(OPTIONS_MARKER)) throw new Error(`pages: public/embed.js lacks the ${OPTIONS_MARKER} marker`);
  const { text } = pages;
  const options = {
    language: ctx.config.siteLanguage,
    timeZone: ctx.config.timezone,
    maxItems: Math.min(EMBED_MAX_ITEMS, ctx.config.feedPageSize),
    text: { all: text.embedAll, empty: text.embedEmpty, error: text.embedError },
  };
  const body = Buffer.from(source.replace(OPTIONS_MARKER, JSON.stringify(options).replace(/</g, '\\u003c')));
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function itemLimit(req: Request, max: number): number {
  const value = Number(req.query.limit ?? EMBED_DEFAULT_ITEMS);
  return Number.isInteger(value) ? Math.min(Math.max(value, 1), max) : EMBED_DEFAULT_ITEMS;
}

export function embedRoutes(ctx: AppContext, pages: PageRenderer): Router {
  const router = Router();
  const script = buildEmbedScript(ctx, pages);

  router.get(PAGE_ROUTES.embedScript, (_req, res) => {
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': EMBED_SCRIPT_CACHE,
      ETag: script.etag,
      'Access-Control-Allow-Origin': '*',
      // Host pages that isolate themselves (COEP) may still load it.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.send(script.body);
  });

  router.get(PAGE_ROUTES.embedFrame, (req, res) => {
    const category = ctx.store.articles.visibleCategory(req.params.slug!, ctx.clock());
    if (!category) throw HttpError.notFound(`There is no category "${req.params.slug}"`);
    const limit = itemLimit(req, Math.min(EMBED_MAX_ITEMS, ctx.config.feedPageSize));
    const items = ctx.store.articles.listDue(category.slug, ctx.clock(), 0, limit).map((article) => articleCard(ctx, pages.paths, article));
    // Unlike every other page, this one is made to be framed by any site.
    res.set({
      'Cache-Control': EMBED_FRAME_CACHE,
      'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src * data:; base-uri 'none'; form-action 'none'; frame-ancestors *",
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.removeHeader('X-Frame-Options');
    res.type('html').send(pages.render('embed.njk', { title: category.name, noindex: true, feeds: [categoryFeeds(ctx, category)] }, { category, items }));
  });

  return router;
}
