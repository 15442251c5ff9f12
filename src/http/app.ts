// The Express application: every router, mounted in the order a request meets them (the URLs
// themselves are listed in the README: feeds, pages, API).
import express from 'express';
import type { AppContext } from '../context.js';
import { renderOpml } from '../feeds/render-opml.js';
import { serveFeed } from '../feeds/serve-feed.js';
import { createAdminCheck } from './auth.js';
import { consoleRoutes, serveMedia } from './console/index.js';
import { createErrorHandler, notFoundHandler } from './errors.js';
import { createErrorPageRenderer, pageRoutes, serveAssets } from './pages/index.js';
import { createHubLimiter, createSubscribeLimiter } from './rate-limit.js';
import { accountRoutes } from './routes/accounts.js';
import { articleRoutes } from './routes/articles.js';
import { newsletterRoutes } from './routes/newsletter.js';
import { sourceRoutes } from './routes/sources.js';
import { websubRoutes } from './routes/websub.js';
import { noSniffing } from './security-headers.js';

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  const auth = createAdminCheck(ctx.config.adminToken);
  const subscribeLimiter = createSubscribeLimiter(ctx.rateLimitStores);
  app.disable('x-powered-by');
  // The client address (for the subscribe rate limit) comes from X-Forwarded-For only via these proxies.
  app.set('trust proxy', ctx.config.trustProxy);
  app.use(noSniffing);

  // Feeds are normally answered before Express (see server.ts); this serves the same URLs when
  // the request reaches Express, and turns their errors (unknown category, bad page) into problems.
  app.use((req, res, next) => {
    if (!serveFeed(ctx.feeds, req, res)) next();
  });
  app.get('/feeds.opml', (_req, res) => {
    const categories = ctx.store.articles.categories(ctx.clock());
    res.type('text/x-opml; charset=utf-8').set('Access-Control-Allow-Origin', '*');
    res.send(renderOpml(ctx.site, categories, ctx.clock()));
  });
  app.get('/healthz', async (_req, res) => {
    const writable = await ctx.store.isWritable();
    res.status(writable ? 200 : 503).json({ status: writable ? 'ok' : 'store cannot write' });
  });

  app.use(articleRoutes(ctx, auth));
  app.use(accountRoutes(ctx, auth));
  app.use(newsletterRoutes(ctx, auth, subscribeLimiter));
  app.use(websubRoutes(ctx, auth, createHubLimiter(ctx.rateLimitStores)));
  app.use(sourceRoutes(ctx, auth));

  app.use(serveAssets());
  app.use(serveMedia(ctx));
  app.use(consoleRoutes(ctx));
  app.use(pageRoutes(ctx, subscribeLimiter));

  app.use(notFoundHandler);
  app.use(createErrorHandler(ctx.log, createErrorPageRenderer(ctx)));
  return app;
}
