// The composition root's factory: builds every dependency once from the config; tests pass
// overrides (a fixed clock, a quiet logger) instead of patching modules.
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { createFeedCache, type FeedCache, type SiteInfo } from './feeds/feed-cache.js';
import { openStore, type Store } from './store/store.js';

export type Clock = () => Date;

export interface AppContext {
  config: Config;
  site: SiteInfo;
  log: Logger;
  clock: Clock;
  store: Store;
  feeds: FeedCache;
}

export interface ContextOverrides {
  clock?: Clock;
  log?: Logger;
}

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const log = overrides.log ?? pino({ name: 'notiziario' });
  const clock = overrides.clock ?? (() => new Date());
  const site: SiteInfo = {
    baseUrl: config.baseUrl,
    title: config.siteTitle,
    description: config.siteDescription,
    language: config.siteLanguage,
    feedPageSize: config.feedPageSize,
  };
  const store = await openStore(config.dataDir);
  return { config, site, log, clock, store, feeds: createFeedCache(store.articles, site, clock) };
}
