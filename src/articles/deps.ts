// What writing articles uses (the API, the console, the demo content and the ingest all write
// through src/articles/edit-articles.ts).
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/store.js';

export interface ArticleDeps {
  config: Config;
  clock: Clock;
  store: Pick<Store, 'articles'>;
}
