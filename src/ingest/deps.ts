// What the ingest uses: sources and articles, and the one way out to other people's URLs.
import type { Logger } from 'pino';
import type { ArticleDeps } from '../articles/deps.js';
import type { Outbound } from '../net/outbound.js';
import type { Store } from '../store/store.js';

export interface IngestDeps extends ArticleDeps {
  log: Logger;
  outbound: Outbound;
  /** leadership: sources are fetched by the leader only. */
  store: Pick<Store, 'articles' | 'sources' | 'leadership'>;
}
