// What the newsletter's modules use: the few repositories and services they need, not the whole
// application context (which builds them, and must not be imported back).
import type { Logger } from 'pino';
import type { BackgroundTasks } from '../background.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Mailer } from '../mail/mailer.js';
import type { Store } from '../store/store.js';
import type { EmailRenderer } from './render-email.js';

export interface NewsletterDeps {
  config: Config;
  clock: Clock;
  log: Logger;
  // compact: an erasure leaves the address in no file.
  store: Pick<Store, 'newsletter' | 'articles' | 'compact'>;
  mailer: Mailer;
  emails: EmailRenderer;
  /** Mail sent after the answer (confirmations), waited for at a graceful stop. */
  background: BackgroundTasks;
}
