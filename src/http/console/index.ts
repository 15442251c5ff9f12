// The newsroom's console at /admin: people sign in with an account (editor or admin) and work
// with plain forms. Every form is checked twice: it comes from a page of this site, and it
// carries the session's CSRF token.
import express, { Router, type RequestHandler } from 'express';
import type { AppContext } from '../../context.js';
import { rejectCrossOrigin } from '../pages/cross-origin.js';
import { consoleSecurityHeaders } from '../security-headers.js';
import { accountPageRoutes } from './account-pages.js';
import { articlePageRoutes } from './article-pages.js';
import { newsletterPageRoutes } from './newsletter-pages.js';
import { createConsoleRenderer } from './render-console.js';
import { subscriberPageRoutes } from './subscriber-pages.js';
import { checkCsrf, loadSession } from './session.js';

/** Every console answer, error pages included: not cached, not indexed, no Referer. */
const privateHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', 'Referrer-Policy': 'no-referrer' });
  next();
};

export function consoleRoutes(ctx: AppContext): Router {
  const view = createConsoleRenderer(ctx);
  const form = [rejectCrossOrigin(ctx.config.baseUrl), express.urlencoded({ extended: false, limit: '2mb' }), checkCsrf];
  const router = Router();
  router.use('/admin', consoleSecurityHeaders, privateHeaders, loadSession(ctx));
  router.use(accountPageRoutes(ctx, view, form));
  router.use(articlePageRoutes(ctx, view, form));
  router.use(subscriberPageRoutes(ctx, view, form));
  router.use(newsletterPageRoutes(ctx, view, form));
  return router;
}
