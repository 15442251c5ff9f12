// Everything people see in a browser: read pages, subscription pages, the embed, and the
// headers that keep pages from being framed or loading anything but our own styles.
import { Router, type RequestHandler } from 'express';
import type { AppContext } from '../../context.js';
import { pageSecurityHeaders } from '../security-headers.js';
import { embedRoutes } from './embed-pages.js';
import { readPageRoutes } from './read-pages.js';
import { createPageRenderer } from './render-page.js';
import { subscriptionPageRoutes } from './subscription-pages.js';

export { serveAssets } from './assets.js';

/** The page routes; mount before the not-found handler. The limiter is shared with the API. */
export function pageRoutes(ctx: AppContext, subscribeLimiter: RequestHandler): Router {
  const pages = createPageRenderer(ctx);
  const router = Router();
  router.use(pageSecurityHeaders);
  router.use(readPageRoutes(ctx, pages));
  router.use(subscriptionPageRoutes(ctx, pages, subscribeLimiter));
  router.use(embedRoutes(ctx, pages));
  return router;
}

/** For the error handler: a readable page in the site's language. */
export function createErrorPageRenderer(ctx: AppContext): (status: number, title: string, detail: string) => string {
  return createPageRenderer(ctx).renderErrorPage;
}
