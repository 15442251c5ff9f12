// Upgrades the newsletter file of version 1: it held every delivery of the last runs, with a
// journal of delivery changes beside it. The journal's entries that the file lacks are applied,
// and each run's deliveries go to its ledger file; the engine then writes version 2.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DeliveryRecord, SubscriberRecord } from '../domain/newsletter.js';
import type { EngineOptions } from './engine.js';
import { readJournal } from './journal.js';
import { RUNS_FOLDER, withChanges, writeLines } from './run-ledger.js';
import { NEWSLETTER_SNAPSHOT } from './schema.js';

/** The delivery journal of version 1, beside newsletter.json. */
export const LEGACY_JOURNAL = 'newsletter.journal.jsonl';

export interface LegacyMigration extends Pick<EngineOptions, 'legacy' | 'migrate'> {
  /** Deletes the version-1 journal once the new files hold it (or when it was left behind). */
  cleanUp(): Promise<void>;
}

export function createNewsletterMigration(dataDir: string, subscriberById: (id: string) => SubscriberRecord | undefined): LegacyMigration {
  const deliveries = new Map<string, DeliveryRecord>();
  const journalFile = path.join(dataDir, LEGACY_JOURNAL);
  return {
    legacy: { deliveries: (record) => void deliveries.set((record as DeliveryRecord).id, record as DeliveryRecord) },
    async migrate(files, put) {
      const file = files.get(NEWSLETTER_SNAPSHOT.file)!;
      if (file.version !== 1) return;
      const covered = (file.scalars.journalSeq as number | undefined) ?? 0;
      await readJournal(journalFile, (entry) => {
        const delivery = deliveries.get(entry.delivery as string);
        if (entry.seq <= covered || !delivery) return;
        deliveries.set(delivery.id, withChanges(delivery, entry.changes as Record<string, unknown>));
        const subscriber = subscriberById(delivery.subscriberId);
        if (subscriber && entry.subscriberChanges) put('subscribers', withChanges(subscriber, entry.subscriberChanges as Record<string, unknown>));
      });
      const byRun = new Map<string, DeliveryRecord[]>();
      for (const delivery of deliveries.values()) {
        if (!byRun.has(delivery.runId)) byRun.set(delivery.runId, []);
        byRun.get(delivery.runId)!.push(delivery);
      }
      await mkdir(path.join(dataDir, RUNS_FOLDER), { recursive: true, mode: 0o700 });
      for (const [runId, list] of byRun) await writeLines(path.join(dataDir, RUNS_FOLDER, `${runId}.jsonl`), [list], (delivery) => ({ delivery }));
      deliveries.clear();
    },
    cleanUp: () => rm(journalFile, { force: true }),
  };
}
