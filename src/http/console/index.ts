// The newsroom's console at /admin: people sign in with an account (editor or admin) and work
// with plain forms. Every form is checked twice: it comes from a page of this site, and it
// carries the session's CSRF token.
import express, { Router, type RequestHandler } from 'express';
import type { AppContext } from '../../context.js';
import { rejectCrossOrigin } from '../pages/cross-origin.js';
import { consoleSecurityHeaders } from '../security-headers.js';
import { MAX_PICTURE_BYTES, mediaDir } from '../../console/media.js';
import { accountPageRoutes } from './account-pages.js';
import { articlePageRoutes } from './article-pages.js';
import { parseMultipart } from './multipart.js';
import { newsletterPageRoutes } from './newsletter-pages.js';
import { createConsoleRenderer } from './render-console.js';
import { sourcePageRoutes } from './source-pages.js';
import { subscriberPageRoutes } from './subscriber-pages.js';
import { websubPageRoutes } from './websub-pages.js';
import { checkCsrf, loadSession } from './session.js';

/** Room for the editor's text fields beside the picture. */
const FORM_FIELDS_BYTES = 2 * 1024 * 1024;

/** Uploaded pictures under /media: named by their hash, so cached for a year; nothing in them runs. */
export function serveMedia(ctx: AppContext): Router {
  return Router().use(
    '/media',
    express.static(mediaDir(ctx), {
      immutable: true,
      maxAge: '365d',
      index: false,
      redirect: false,
      dotfiles: 'deny',
      setHeaders: (res) => res.set({ 'Content-Security-Policy': "default-src 'none'", 'X-Content-Type-Options': 'nosniff' }),
    }),
  );
}

/** Every console answer, error pages included: not cached, not indexed, no Referer. */
const privateHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', 'Referrer-Policy': 'no-referrer' });
  next();
};

export function consoleRoutes(ctx: AppContext): Router {
  const view = createConsoleRenderer(ctx);
  // The same-origin check comes before any body is read; a picture may come with the editor's form.
  const form = [rejectCrossOrigin(ctx.config.baseUrl), express.urlencoded({ extended: false, limit: '2mb' }), parseMultipart(MAX_PICTURE_BYTES + FORM_FIELDS_BYTES), checkCsrf];
  const router = Router();
  router.use('/admin', consoleSecurityHeaders, privateHeaders, loadSession(ctx));
  router.use(accountPageRoutes(ctx, view, form));
  router.use(articlePageRoutes(ctx, view, form));
  router.use(subscriberPageRoutes(ctx, view, form));
  router.use(newsletterPageRoutes(ctx, view, form));
  router.use(sourcePageRoutes(ctx, view, form));
  router.use(websubPageRoutes(ctx, view));
  return router;
}
