// Subscribers and runs: their indexes and named questions over the engine, and each run's
// deliveries in its ledger file. Every write resolves once it is on disk, and is visible only
// then, which is what makes the ledger crash-safe.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DeliveryRecord, RunRecord, SubscriberRecord, SubscriberStatus } from '../domain/newsletter.js';
import type { Engine, RecordChange } from './collections.js';
import { AddressTakenError } from './collections.js';
import { DigestSchedule } from './digest-schedule.js';
import { createKeyedQueue } from './keyed-queue.js';
import { withChanges, type DeliveryPages, type DeliveryTally, type RunLedgers } from './run-ledger.js';
import { SubscriberIndex, type SubscriberCounts } from './subscriber-index.js';

/** Subscribers written per journal entry by a large import: each entry is one short write. */
const SUBSCRIBERS_PER_ENTRY = 1000;

export interface SubscriberPage {
  items: SubscriberRecord[];
  /** The cursor of the next page; absent on the last. */
  next?: string;
}

export interface RunPage {
  items: RunRecord[];
  /** The cursor of the next (older) page; absent on the last. */
  next?: string;
}

export interface NewsletterStore {
  subscriberById(id: string): SubscriberRecord | undefined;
  subscriberByEmail(email: string): SubscriberRecord | undefined;
  /** Every subscriber as of now (a copy, ordered by id); what serves requests walks them in slices (subscriberSlices). */
  allSubscribers(): readonly SubscriberRecord[];
  /** Subscribers whose last delivery failed (the retry tick's candidates): an index, not a scan. */
  deferredSubscribers(): SubscriberRecord[];
  /** Up to `limit` subscribers after `cursor` (ordered by id), of one status if given. */
  pageSubscribers(cursor: string | undefined, limit: number, status?: SubscriberStatus): SubscriberPage;
  /** Subscribers by status, and confirmed ones by category followed: counts kept as they change. */
  subscriberCounts(): SubscriberCounts;
  /** The earliest next digest time of a subscriber with a rhythm, and how many are due by `until`. */
  scheduledDigests(until: Date): { earliest?: Date; dueBy: number };
  /** Pending subscriptions created before `limit`, oldest first: an index, not a scan. */
  pendingCreatedBefore(limit: Date): SubscriberRecord[];
  /** Adds new subscribers (an address already taken is refused); a large list in slices. */
  saveSubscribers(added: SubscriberRecord[]): Promise<void>;
  updateSubscriber(id: string, changes: Partial<SubscriberRecord>): Promise<SubscriberRecord>;
  /** Confirmed subscribers whose next digest time has come, earliest first: a heap, not a scan. */
  dueSubscribers(now: Date): SubscriberRecord[];
  /** Confirmed immediate subscribers who follow any of these categories (or every category). */
  immediateFollowers(categories: readonly string[]): SubscriberRecord[];
  /**
   * Sets each subscriber's next digest time (undefined: none), worked out from their record as it
   * is when written (a rhythm changed meanwhile counts), in a few journal entries.
   */
  rescheduleSubscribers(ids: readonly string[], nextDigestAt: (subscriber: SubscriberRecord) => string | undefined): Promise<void>;
  removeSubscribers(ids: readonly string[]): Promise<void>;
  runs(): readonly RunRecord[];
  /** Up to `limit` runs, newest first: the newest, or those started before the run `cursor`. */
  pageRuns(cursor: string | undefined, limit: number): RunPage;
  unfinishedRuns(): RunRecord[];
  /**
   * Records a new run: its deliveries first, a slice at a time as they come, then the run (with
   * its counts as they stand then); a failure records nothing.
   */
  addRun(run: RunRecord, deliveries: DeliveryPages): Promise<void>;
  updateRun(id: string, changes: Partial<RunRecord>): Promise<void>;
  /** The run's deliveries in order (the first `limit`, if given). */
  deliveries(runId: string, limit?: number): Promise<readonly DeliveryRecord[]>;
  /** Takes open deliveries of a run for this sender until `until` (see RunLedgers.claim). */
  claimDeliveries(runId: string, limit: number, now: Date, until: Date): Promise<DeliveryRecord[]>;
  /** Gives back claimed deliveries that were not sent. */
  releaseDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void>;
  tallyDeliveries(runId: string): Promise<DeliveryTally>;
  /**
   * Changes a delivery, and its subscriber when given. The subscriber's change is on disk first:
   * a crash between the two leaves the delivery "sending", and the resumed run finds the
   * watermark moved and sends nothing again.
   */
  updateDelivery(delivery: DeliveryRecord, changes: Partial<DeliveryRecord>, subscriberChanges?: Partial<SubscriberRecord>): Promise<void>;
  /** Called when a run appears or changes, whoever wrote it (another instance may have started it). */
  onRunsChange(listener: () => void): void;
}

export interface NewsletterRepository extends NewsletterStore {
  /** Orders the indexes and loads the unfinished runs' deliveries once the engine has loaded. */
  opened(now: Date): Promise<void>;
}

/** Subscribers (not erased) in id order, `size` at a time (of one status if given), each slice read as the walk reaches it. */
export function* subscriberSlices(store: Pick<NewsletterStore, 'pageSubscribers'>, size: number, status?: SubscriberStatus): Generator<SubscriberRecord[]> {
  let cursor: string | undefined;
  do {
    const page = store.pageSubscribers(cursor, size, status);
    if (page.items.length) yield page.items;
    cursor = page.next;
  } while (cursor);
}

export function createNewsletterStore(engine: Engine, ledgers: RunLedgers): NewsletterRepository {
  const subscribers = new SubscriberIndex();
  const schedule = new DigestSchedule();
  /** Ids of subscribers with failed attempts since their last delivery. */
  const deferred = new Set<string>();
  const runs = new Map<string, RunRecord>();
  /** Run ids in the order the runs started, for paging from the newest without a copy of all. */
  const runOrder: string[] = [];
  const runPosition = new Map<string, number>();
  /** Addresses being added: two subscriptions at once never create two subscribers. */
  const reservedEmails = new Set<string>();
  const oneAtATime = createKeyedQueue();

  const putSubscriber = (record: SubscriberRecord) => {
    subscribers.put(record);
    schedule.put(record);
    if (record.failures > 0) deferred.add(record.id);
    else deferred.delete(record.id);
  };
  const deleteSubscriber = (id: string) => {
    subscribers.delete(id);
    schedule.delete(id);
    deferred.delete(id);
  };
  engine.register({ name: 'subscribers', put: (record) => putSubscriber(record as SubscriberRecord), delete: deleteSubscriber, records: () => subscribers.live() });
  const putRun = (record: RunRecord) => {
    if (!runPosition.has(record.id)) runPosition.set(record.id, runOrder.push(record.id) - 1);
    runs.set(record.id, record);
  };
  const runListeners: (() => void)[] = [];
  // A deleted run's id stays in runOrder; paging passes over it.
  engine.register({
    name: 'runs',
    put: (record) => putRun(record as RunRecord),
    delete: (id) => void runs.delete(id),
    records: () => [...runs.values()],
    applied: () => runListeners.forEach((listener) => listener()),
  });

  const subscriberChange = (record: SubscriberRecord): RecordChange => ({ collection: 'subscribers', id: record.id, record });

  async function saveInEntries(added: SubscriberRecord[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (let start = 0; start < added.length; start += SUBSCRIBERS_PER_ENTRY) {
      writes.push(engine.commit(added.slice(start, start + SUBSCRIBERS_PER_ENTRY).map(subscriberChange)));
      // Serialising an entry takes a moment: requests are served between entries.
      if (start + SUBSCRIBERS_PER_ENTRY < added.length) await yieldToEventLoop();
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async function changeSubscriber(id: string, changes: Partial<SubscriberRecord>): Promise<SubscriberRecord> {
    const before = subscribers.byId(id);
    if (!before) throw new Error(`store: no subscriber ${id}`);
    const after = withChanges(before, changes);
    if (after.email && after.email !== before.email && (subscribers.byEmail(after.email) || reservedEmails.has(after.email))) throw new AddressTakenError();
    await engine.commit([subscriberChange(after)]);
    return after;
  }

  /** Changes several subscribers in one journal entry, each waiting for its own changes in flight. */
  async function changeTogether(ids: readonly string[], changesOf: (record: SubscriberRecord) => Partial<SubscriberRecord>): Promise<void> {
    let release!: () => void;
    const written = new Promise<void>((resolve) => (release = resolve));
    const held = ids.map((id) => new Promise<void>((resolve) => void oneAtATime(id, () => (resolve(), written))));
    try {
      await Promise.all(held);
      const changes = ids.flatMap((id) => {
        const before = subscribers.byId(id);
        return before ? [subscriberChange(withChanges(before, changesOf(before)))] : [];
      });
      if (changes.length) await engine.commit(changes);
    } finally {
      release();
    }
  }

  return {
    async opened(now) {
      subscribers.opened();
      for (const run of runs.values()) if (run.status === 'running') await ledgers.load(run.id);
      await ledgers.prune([...runs.values()], now);
    },
    subscriberById: (id) => subscribers.byId(id),
    subscriberByEmail: (email) => subscribers.byEmail(email.toLowerCase()),
    allSubscribers: () => subscribers.all(),
    deferredSubscribers: () => [...deferred].flatMap((id) => subscribers.byId(id) ?? []),
    pageSubscribers: (cursor, limit, status) => subscribers.page(cursor, limit, status),
    subscriberCounts: () => subscribers.counted(),
    scheduledDigests(until) {
      const earliest = schedule.earliest();
      return { ...(earliest === undefined ? {} : { earliest: new Date(earliest) }), dueBy: schedule.dueCount(until.getTime()) };
    },
    pendingCreatedBefore: (limit) => subscribers.pendingCreatedBefore(limit.getTime()),
    async saveSubscribers(added) {
      const emails = added.map((subscriber) => subscriber.email);
      if (new Set(emails).size !== emails.length || emails.some((email) => subscribers.byEmail(email) || reservedEmails.has(email))) throw new AddressTakenError();
      for (const email of emails) reservedEmails.add(email);
      try {
        await saveInEntries(added);
      } finally {
        for (const email of emails) reservedEmails.delete(email);
      }
    },
    updateSubscriber: (id, changes) => oneAtATime(id, () => changeSubscriber(id, changes)),
    dueSubscribers: (now) => schedule.dueAt(now.getTime()).map((id) => subscribers.byId(id)!),
    immediateFollowers: (categories) => [...schedule.immediateFollowers(categories)].map((id) => subscribers.byId(id)!),
    async rescheduleSubscribers(ids, nextDigestAt) {
      for (let start = 0; start < ids.length; start += SUBSCRIBERS_PER_ENTRY) {
        await changeTogether(ids.slice(start, start + SUBSCRIBERS_PER_ENTRY), (record) => ({ nextDigestAt: nextDigestAt(record) }));
      }
    },
    async removeSubscribers(ids) {
      const known = ids.filter((id) => subscribers.byId(id));
      if (known.length) await engine.commit(known.map((id) => ({ collection: 'subscribers', id })));
    },
    runs: () => [...runs.values()],
    pageRuns(cursor, limit) {
      const items: RunRecord[] = [];
      let index = cursor === undefined ? runOrder.length - 1 : (runPosition.get(cursor) ?? 0) - 1;
      for (; index >= 0 && items.length < limit; index -= 1) {
        const run = runs.get(runOrder[index]!);
        if (run) items.push(run);
      }
      return index >= 0 ? { items, next: items.at(-1)!.id } : { items };
    },
    unfinishedRuns: () => [...runs.values()].filter((run) => run.status === 'running'),
    async addRun(run, deliveries) {
      await ledgers.prune([...runs.values()], new Date(run.startedAt));
      await ledgers.create(run.id, deliveries);
      await engine.commit([{ collection: 'runs', id: run.id, record: { ...run } }]);
    },
    async updateRun(id, changes) {
      const before = runs.get(id);
      if (!before) throw new Error(`store: no run ${id}`);
      const after = withChanges(before, changes);
      await engine.commit([{ collection: 'runs', id, record: after }]);
      if (after.status === 'finished') await ledgers.close(id);
    },
    deliveries: (runId, limit) => ledgers.deliveries(runId, limit),
    claimDeliveries: (runId, limit, now, until) => ledgers.claim(runId, limit, now, until),
    releaseDeliveries: (deliveries) => ledgers.release(deliveries),
    tallyDeliveries: (runId) => ledgers.tally(runId),
    async updateDelivery(delivery, changes, subscriberChanges) {
      if (subscriberChanges && subscribers.byId(delivery.subscriberId)) await oneAtATime(delivery.subscriberId, () => changeSubscriber(delivery.subscriberId, subscriberChanges));
      await ledgers.update(delivery, changes);
    },
    onRunsChange: (listener) => void runListeners.push(listener),
  };
}
