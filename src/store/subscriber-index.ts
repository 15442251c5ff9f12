// Subscribers in memory, indexed for every question asked of them without a scan: by id, by
// address, in id order (for paging with a cursor and for snapshots), and pending ones by age.
import type { SubscriberRecord, SubscriberStatus } from '../domain/newsletter.js';

/** A page with a status filter looks at this many subscribers at most, then hands out a cursor. */
const MAX_SCANNED_PER_PAGE = 20_000;

const byId = (a: SubscriberRecord, b: SubscriberRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class SubscriberIndex {
  private readonly ids = new Map<string, SubscriberRecord>();
  private readonly emails = new Map<string, SubscriberRecord>();
  /** Every subscriber but those in `added`, ordered by id: a binary search finds a cursor's place. */
  private ordered: SubscriberRecord[] = [];
  /**
   * Subscribers added since the order was last needed: merged in one pass then, because
   * inserting an import of 100,000 one by one into a sorted array is quadratic.
   */
  private added = new Map<string, SubscriberRecord>();
  /** Pending subscribers' creation times, oldest first (a Map keeps insertion order). */
  private pending = new Map<string, number>();
  private loading = true;

  byId(id: string): SubscriberRecord | undefined {
    return this.ids.get(id);
  }

  byEmail(email: string): SubscriberRecord | undefined {
    return this.emails.get(email);
  }

  put(record: SubscriberRecord): void {
    const before = this.ids.get(record.id);
    if (before?.email && this.emails.get(before.email) === before) this.emails.delete(before.email);
    this.ids.set(record.id, record);
    if (record.email) this.emails.set(record.email, record);
    if (this.loading) return;
    if (before && !this.added.has(record.id)) this.ordered[this.position(record.id)] = record;
    else this.added.set(record.id, record);
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
    this.ids.delete(id);
    if (this.emails.get(before.email) === before) this.emails.delete(before.email);
    if (this.loading) return;
    if (!this.added.delete(id)) this.ordered.splice(this.position(id), 1);
    this.pending.delete(id);
  }

  /** Builds the ordered indexes once, after the records of a start are loaded. */
  opened(): void {
    this.ordered = [...this.ids.values()];
    // Snapshots list subscribers in id order but for those added since the start before, at the
    // end: a nearly ordered list, which the sort (TimSort) takes in about one pass.
    if (!this.ordered.every((record, index) => index === 0 || this.ordered[index - 1]!.id < record.id)) {
      this.ordered.sort(byId);
    }
    const pending = this.ordered.filter((record) => record.status === 'pending').map((record) => [record.id, Date.parse(record.createdAt)] as const);
    this.pending = new Map(pending.sort((a, b) => a[1] - b[1]));
    this.loading = false;
  }

  /** Every subscriber, read as it goes (a compaction reads it in slices while changes go on). */
  live(): Iterable<SubscriberRecord> {
    return this.ids.values();
  }

  all(): SubscriberRecord[] {
    return this.inOrder().slice();
  }

  page(cursor: string | undefined, limit: number, status?: SubscriberStatus): { items: SubscriberRecord[]; next?: string } {
    const items: SubscriberRecord[] = [];
    this.inOrder();
    let index = cursor === undefined ? 0 : this.position(cursor, true);
    const stop = Math.min(this.ordered.length, index + MAX_SCANNED_PER_PAGE);
    for (; index < stop && items.length < limit; index += 1) {
      const record = this.ordered[index]!;
      if (record.status === 'erased' || (status && record.status !== status)) continue;
      items.push(record);
    }
    if (index >= this.ordered.length) return { items };
    return { items, next: this.ordered[index - 1]!.id };
  }

  pendingCreatedBefore(limit: number): SubscriberRecord[] {
    const expired: SubscriberRecord[] = [];
    for (const [id, createdAt] of this.pending) {
      if (createdAt >= limit) break;
      expired.push(this.ids.get(id)!);
    }
    return expired;
  }

  private inOrder(): SubscriberRecord[] {
    if (!this.added.size) return this.ordered;
    const added = [...this.added.values()].sort(byId);
    const merged: SubscriberRecord[] = new Array(this.ordered.length + added.length);
    let [i, j, k] = [0, 0, 0];
    while (i < this.ordered.length || j < added.length) {
      merged[k++] = j >= added.length || (i < this.ordered.length && this.ordered[i]!.id < added[j]!.id) ? this.ordered[i++]! : added[j++]!;
    }
    this.ordered = merged;
    this.added.clear();
    return merged;
  }

  /** Index of the first subscriber whose id is not before `id` (strictly after it, when `after`). */
  private position(id: string, after = false): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.ordered[middle]!.id;
      if (other < id || (after && other === id)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
