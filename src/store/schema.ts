// The snapshot files in DATA_DIR, their schema versions, and what each holds. Every version
// reads the files of the versions before it (see engine.ts and newsletter-migration.ts).
import type { SnapshotSpec } from './engine.js';

/**
 * Content: version 3 writes a record per line and names the journal entry it includes; 2 added
 * the retired slugs; 0 (no version field) and 1 held articles and categories.
 */
export const CONTENT_SNAPSHOT: SnapshotSpec = { file: 'notiziario.json', version: 3, collections: ['categories', 'retiredSlugs', 'articles'] };

/**
 * The newsletter: version 3 lets subscribers carry a rhythm and their next digest time (a
 * subscriber of version 2 has neither, and keeps following NEWSLETTER_CRON). Version 2 keeps
 * subscribers and runs (with their counts); each run's deliveries moved to a file of their own
 * (run-ledger.ts). Version 1 held them all, with its own delivery journal beside it.
 */
export const NEWSLETTER_SNAPSHOT: SnapshotSpec = { file: 'newsletter.json', version: 3, collections: ['subscribers', 'runs'] };

/** WebSub: verified subscriptions and each feed's change counter (version 1). */
export const WEBSUB_SNAPSHOT: SnapshotSpec = { file: 'websub.json', version: 1, collections: ['websubTopics', 'websubSubscriptions'] };

/** Sources: the feeds fetched from elsewhere, with their schedule and validators (version 1). */
export const SOURCES_SNAPSHOT: SnapshotSpec = { file: 'sources.json', version: 1, collections: ['sources'] };

/** The console: accounts, their sessions and the audit log (version 1). */
export const CONSOLE_SNAPSHOT: SnapshotSpec = { file: 'console.json', version: 1, collections: ['accounts', 'sessions', 'auditEntries'] };
