// Subscribers, runs and deliveries: the newsletter's file, its indexes and its named questions.
// Every write resolves once it is on disk, which is what makes the ledger crash-safe. Delivery
// changes, two per message, go to the journal; the file takes them in at the end of a run.
import type { DeliveryRecord, RunRecord, SubscriberRecord } from '../domain/newsletter.js';
import type { Database } from './database.js';
import type { Journal, JournalEntry } from './journal.js';
import type { NewsletterData } from './schema.js';

/** One delivery change (and its subscriber's), as journalled; `null` stands for "unset". */
export interface DeliveryEntry extends JournalEntry {
  delivery: string;
  changes: Record<string, unknown>;
  subscriberChanges?: Record<string, unknown>;
}

/** Deliveries of this many most recent runs are kept; older runs keep only their counts. */
const RUNS_WITH_DELIVERIES = 10;

export interface NewsletterStore {
  subscriberById(id: string): SubscriberRecord | undefined;
  subscriberByEmail(email: string): SubscriberRecord | undefined;
  subscribers(): readonly SubscriberRecord[];
  /** Adds new subscribers, in one write. */
  saveSubscribers(added: SubscriberRecord[]): Promise<void>;
  updateSubscriber(id: string, changes: Partial<SubscriberRecord>): Promise<SubscriberRecord>;
  removeSubscribers(ids: readonly string[]): Promise<void>;
  runs(): readonly RunRecord[];
  unfinishedRuns(): RunRecord[];
  /** Records a new run with its deliveries, in one write. */
  addRun(run: RunRecord, deliveries: DeliveryRecord[]): Promise<void>;
  updateRun(id: string, changes: Partial<RunRecord>): Promise<void>;
  deliveries(runId: string): readonly DeliveryRecord[];
  /** Changes a delivery, and its subscriber when given, in the same write. */
  updateDelivery(id: string, changes: Partial<DeliveryRecord>, subscriberChanges?: Partial<SubscriberRecord>): Promise<void>;
}

/** Applies the journal entries that the file does not hold yet; true when any was applied. */
export function replayJournal(data: NewsletterData, entries: readonly DeliveryEntry[]): boolean {
  const deliveries = new Map(data.deliveries.map((d) => [d.id, d]));
  const subscribers = new Map(data.subscribers.map((s) => [s.id, s]));
  let applied = false;
  for (const entry of entries) {
    if (entry.seq <= (data.journalSeq ?? 0)) continue;
    const delivery = deliveries.get(entry.delivery);
    if (delivery) {
      assignChanges(delivery, entry.changes);
      const subscriber = subscribers.get(delivery.subscriberId);
      if (subscriber && entry.subscriberChanges) assignChanges(subscriber, entry.subscriberChanges);
    }
    data.journalSeq = entry.seq;
    applied = true;
  }
  return applied;
}

const toJournal = (changes: object) => Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value === undefined ? null : value]));

function assignChanges(target: object, changes: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete (target as Record<string, unknown>)[key];
    else (target as Record<string, unknown>)[key] = value;
  }
}

export function createNewsletterStore(db: Database<NewsletterData>, journal: Journal<DeliveryEntry>): NewsletterStore {
  const data = db.data;
  const byId = new Map(data.subscribers.map((s) => [s.id, s]));
  const byEmail = new Map(data.subscribers.filter((s) => s.email).map((s) => [s.email, s]));
  const deliveryById = new Map(data.deliveries.map((d) => [d.id, d]));
  const runById = new Map(data.runs.map((r) => [r.id, r]));

  function changeSubscriber(id: string, changes: Partial<SubscriberRecord>): SubscriberRecord {
    const subscriber = byId.get(id);
    if (!subscriber) throw new Error(`store: no subscriber ${id}`);
    if (changes.email !== undefined && changes.email !== subscriber.email) byEmail.delete(subscriber.email);
    Object.assign(subscriber, changes);
    if (subscriber.email) byEmail.set(subscriber.email, subscriber);
    return subscriber;
  }

  function pruneOldDeliveries(): void {
    const keep = new Set(data.runs.slice(-RUNS_WITH_DELIVERIES).map((run) => run.id));
    for (const delivery of data.deliveries) if (!keep.has(delivery.runId)) deliveryById.delete(delivery.id);
    data.deliveries = data.deliveries.filter((delivery) => keep.has(delivery.runId));
  }

  return {
    subscriberById: (id) => byId.get(id),
    subscriberByEmail: (email) => byEmail.get(email.toLowerCase()),
    subscribers: () => data.subscribers,
    async saveSubscribers(added) {
      for (const subscriber of added) {
        data.subscribers.push(subscriber);
        byId.set(subscriber.id, subscriber);
        byEmail.set(subscriber.email, subscriber);
      }
      await db.persist();
    },
    async updateSubscriber(id, changes) {
      const subscriber = changeSubscriber(id, changes);
      await db.persist();
      return subscriber;
    },
    async removeSubscribers(ids) {
      const gone = new Set(ids);
      for (const id of gone) {
        const subscriber = byId.get(id);
        if (subscriber) byEmail.delete(subscriber.email);
        byId.delete(id);
      }
      data.subscribers = data.subscribers.filter((subscriber) => !gone.has(subscriber.id));
      await db.persist();
    },
    runs: () => data.runs,
    unfinishedRuns: () => data.runs.filter((run) => run.status === 'running'),
    async addRun(run, deliveries) {
      data.runs.push(run);
      runById.set(run.id, run);
      pruneOldDeliveries();
      for (const delivery of deliveries) {
        data.deliveries.push(delivery);
        deliveryById.set(delivery.id, delivery);
      }
      await db.persist();
    },
    async updateRun(id, changes) {
      Object.assign(runById.get(id)!, changes);
      const journalled = data.journalSeq;
      await db.persist();
      // The file now holds every journal entry (none came during the write): start it afresh.
      if (data.journalSeq === journalled) await journal.clear();
    },
    deliveries: (runId) => data.deliveries.filter((delivery) => delivery.runId === runId),
    async updateDelivery(id, changes, subscriberChanges) {
      const delivery = deliveryById.get(id);
      if (!delivery) throw new Error(`store: no delivery ${id}`);
      Object.assign(delivery, changes);
      if (subscriberChanges) changeSubscriber(delivery.subscriberId, subscriberChanges);
      data.journalSeq = (data.journalSeq ?? 0) + 1;
      await journal.append({
        seq: data.journalSeq,
        delivery: id,
        changes: toJournal(changes),
        ...(subscriberChanges ? { subscriberChanges: toJournal(subscriberChanges) } : {}),
      });
    },
  };
}
