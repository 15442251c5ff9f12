// The composition root's factory: builds every dependency once from the config; tests pass
// overrides (a fixed clock, a quiet logger, another mailer) instead of patching modules.
import type { Logger } from 'pino';
import { createBackgroundTasks, type BackgroundTasks } from './background.js';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import { createFeedCache, type FeedCache, type SiteInfo } from './feeds/feed-cache.js';
import type { FetchLimits } from './ingest/fetch-feed.js';
import { createIngest, type Ingest } from './ingest/ingest.js';
import { createLogger } from './log.js';
import { hubUrl } from './feeds/feed-urls.js';
import { memoryRateLimitStores, type RateLimitStores } from './http/rate-limit.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createEmailRenderer, type EmailRenderer } from './newsletter/render-email.js';
import { createNewsletterJob, type NewsletterJob } from './newsletter/run-newsletter.js';
import { createOutbound, type Outbound } from './net/outbound.js';
import { openStore, type Store } from './store/store.js';
import { createWebSub, type WebSub } from './websub/websub.js';


export interface AppContext {
  config: Config;
  site: SiteInfo;
  log: Logger;
  clock: Clock;
  store: Store;
  feeds: FeedCache;
  mailer: Mailer;
  emails: EmailRenderer;
  newsletter: NewsletterJob;
  background: BackgroundTasks;
  /** Every request to a URL that someone else supplied goes through this. */
  outbound: Outbound;
  websub: WebSub;
  /** Sources: feeds published elsewhere, fetched and imported as articles. */
  ingest: Ingest;
  /** Where rate limits (subscribing, hub requests, wrong passwords) keep their counts. */
  rateLimitStores: RateLimitStores;
}

export interface ContextOverrides {
  clock?: Clock;
  log?: Logger;
  mailer?: Mailer;
  /** Smaller fetch bounds for sources (tests of slow and oversized feeds). */
  ingestLimits?: FetchLimits;
  /** Counts shared with other instances; memory (this instance alone) by default. */
  rateLimitStores?: RateLimitStores;
}

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const log = overrides.log ?? createLogger();
  const clock = overrides.clock ?? (() => new Date());
  const site: SiteInfo = {
    baseUrl: config.baseUrl,
    title: config.siteTitle,
    description: config.siteDescription,
    language: config.siteLanguage,
    feedPageSize: config.feedPageSize,
    hubs: [hubUrl(config.baseUrl), ...config.websubHubs],
  };
  const store = await openStore(config.dataDir, {
    databaseUrl: config.databaseUrl,
    now: clock,
    onCompactionError: (err) => log.error({ err }, 'store: the snapshot could not be written; the journal keeps every change'),
    onFollowError: (err) => log.error({ err }, "store: other instances' changes could not be read; trying again"),
  });
  const emails = await createEmailRenderer({ baseUrl: config.baseUrl, title: config.siteTitle, language: config.siteLanguage, timezone: config.timezone });
  const ctx = {
    config,
    site,
    log,
    clock,
    store,
    feeds: createFeedCache(store.articles, site, clock, (id) => store.sources.byId(id)),
    mailer: overrides.mailer ?? createMailer(config),
    emails,
    background: createBackgroundTasks(log),
    // On PostgreSQL the counts are in the database, one budget whichever instance answers.
    rateLimitStores: overrides.rateLimitStores ?? store.rateLimits ?? memoryRateLimitStores,
  } as AppContext;
  ctx.newsletter = createNewsletterJob(ctx);
  ctx.outbound = createOutbound({ allowPrivateNetworks: config.allowPrivateNetworks });
  ctx.websub = createWebSub({ store: store.websub, articles: store.articles, feeds: ctx.feeds, baseUrl: config.baseUrl, externalHubs: config.websubHubs, outbound: ctx.outbound, clock, log: log.child({ part: 'websub' }), leadership: store.leadership });
  ctx.ingest = createIngest(ctx, overrides.ingestLimits);
  return ctx;
}

/** Releases what the context holds: fetches of sources, WebSub pushes, outbound connections, background mail, SMTP connections, the store (flushed, unlocked). */
export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.ingest.stop();
  await ctx.websub.stop();
  ctx.outbound.close();
  await ctx.background.idle();
  ctx.mailer.close();
  await ctx.store.close();
}
