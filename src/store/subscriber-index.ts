// Subscribers in memory, indexed for every question asked of them without a scan: by id, by
// address, in id order (for paging with a cursor and for snapshots), pending ones by age, and
// counts by status and by category followed, kept as they change.
import { bulkLoad } from 'sorted-btree/extended/bulkLoad.js';
import type { SubscriberRecord, SubscriberStatus } from '../domain/newsletter.js';

/** A page with a status filter looks at this many subscribers at most, then hands out a cursor. */
const MAX_SCANNED_PER_PAGE = 20_000;
const TREE_NODE_SIZE = 64;

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byId = (a: SubscriberRecord, b: SubscriberRecord) => compareIds(a.id, b.id);
/** Subscribers in id order, from records already in that order. */
const orderedById = (records: SubscriberRecord[]) => bulkLoad(records.map((record) => record.id), records, TREE_NODE_SIZE, compareIds);
/** The key under which subscribers who follow every category are counted. */
export const EVERY_CATEGORY = '';

export interface SubscriberCounts {
  byStatus: Record<Exclude<SubscriberStatus, 'erased'>, number>;
  /** Confirmed subscribers by category followed (EVERY_CATEGORY: those who follow them all). */
  confirmedByCategory: ReadonlyMap<string, number>;
}

export class SubscriberIndex {
  private readonly ids = new Map<string, SubscriberRecord>();
  private readonly emails = new Map<string, SubscriberRecord>();
  /**
   * Every subscriber by id, in order: a B+ tree, so that each subscriber added costs its own
   * insertion (an import of a million once cost one sort of them all, 6 s of a held event loop).
   */
  private ordered = orderedById([]);
  /** Pending subscribers' creation times, oldest first (a Map keeps insertion order). */
  private pending = new Map<string, number>();
  private loading = true;
  private readonly counts = { byStatus: { pending: 0, confirmed: 0, unsubscribed: 0, bouncing: 0 }, confirmedByCategory: new Map<string, number>() };

  byId(id: string): SubscriberRecord | undefined {
    return this.ids.get(id);
  }

  byEmail(email: string): SubscriberRecord | undefined {
    return this.emails.get(email);
  }

  put(record: SubscriberRecord): void {
    const before = this.ids.get(record.id);
    if (before?.email && this.emails.get(before.email) === before) this.emails.delete(before.email);
    if (before) this.count(before, -1);
    this.count(record, 1);
    this.ids.set(record.id, record);
    if (record.email) this.emails.set(record.email, record);
    if (this.loading) return;
    this.ordered.set(record.id, record);
    const createdAt = Date.parse(record.createdAt);
    if (record.status !== 'pending') this.pending.delete(record.id);
    else if (this.pending.get(record.id) !== createdAt) {
      // Pending again: it moves to the end, where the newest are.
      this.pending.delete(record.id);
      this.pending.set(record.id, createdAt);
    }
  }

  delete(id: string): void {
    const before = this.ids.get(id);
    if (!before) return;
    this.count(before, -1);
    this.ids.delete(id);
    if (this.emails.get(before.email) === before) this.emails.delete(before.email);
    if (this.loading) return;
    this.ordered.delete(id);
    this.pending.delete(id);
  }

  /** Builds the ordered indexes once, after the records of a start are loaded. */
  opened(): void {
    const records = [...this.ids.values()];
    // Snapshots list subscribers in id order but for those added since the start before, at the
    // end: a nearly ordered list, which the sort (TimSort) takes in about one pass.
    if (!records.every((record, index) => index === 0 || records[index - 1]!.id < record.id)) records.sort(byId);
    this.ordered = orderedById(records);
    const pending = records.filter((record) => record.status === 'pending').map((record) => [record.id, Date.parse(record.createdAt)] as const);
    this.pending = new Map(pending.sort((a, b) => a[1] - b[1]));
    this.loading = false;
  }

  counted(): SubscriberCounts {
    return { byStatus: { ...this.counts.byStatus }, confirmedByCategory: new Map(this.counts.confirmedByCategory) };
  }

  /** Every subscriber, read as it goes (a compaction reads it in slices while changes go on). */
  live(): Iterable<SubscriberRecord> {
    return this.ids.values();
  }

  all(): SubscriberRecord[] {
    return this.ordered.valuesArray();
  }

  page(cursor: string | undefined, limit: number, status?: SubscriberStatus): { items: SubscriberRecord[]; next?: string } {
    const items: SubscriberRecord[] = [];
    let scanned = 0;
    let last = cursor;
    for (const [id, record] of this.ordered.entries(cursor)) {
      if (id === cursor) continue;
      if (items.length >= limit || scanned >= MAX_SCANNED_PER_PAGE) return { items, next: last! };
      scanned += 1;
      last = id;
      if (record.status === 'erased' || (status && record.status !== status)) continue;
      items.push(record);
    }
    return { items };
  }

  pendingCreatedBefore(limit: number): SubscriberRecord[] {
    const expired: SubscriberRecord[] = [];
    for (const [id, createdAt] of this.pending) {
      if (createdAt >= limit) break;
      expired.push(this.ids.get(id)!);
    }
    return expired;
  }

  private count(record: SubscriberRecord, step: 1 | -1): void {
    if (record.status === 'erased') return;
    this.counts.byStatus[record.status] += step;
    if (record.status !== 'confirmed') return;
    const following = this.counts.confirmedByCategory;
    for (const slug of record.categories.length ? record.categories : [EVERY_CATEGORY]) {
      const count = (following.get(slug) ?? 0) + step;
      if (count) following.set(slug, count);
      else following.delete(slug);
    }
  }
}
