// Who is due for a digest, without looking at every subscriber: confirmed subscribers with a
// next digest time in a min-heap (ordered by that time), and confirmed immediate subscribers in
// a set per category they follow (one more set for those who follow every category).
import type { SubscriberRecord } from '../domain/newsletter.js';
import { EVERY_CATEGORY } from './subscriber-index.js';

interface Entry {
  due: number;
  id: string;
}

export class DigestSchedule {
  /** Each scheduled subscriber's current heap entry: any other entry of theirs is stale. */
  private readonly entryOf = new Map<string, Entry>();
  private readonly heap: Entry[] = [];
  private readonly immediate = new Map<string, Set<string>>();
  private readonly followed = new Map<string, readonly string[]>();

  put(record: SubscriberRecord): void {
    const confirmed = record.status === 'confirmed';
    const due = confirmed && record.nextDigestAt ? Date.parse(record.nextDigestAt) : undefined;
    if (due === undefined) this.entryOf.delete(record.id);
    else if (this.entryOf.get(record.id)?.due !== due) {
      const entry = { due, id: record.id };
      this.entryOf.set(record.id, entry);
      this.push(entry);
    }
    this.removeImmediate(record.id);
    if (confirmed && record.rhythm?.frequency === 'immediate') {
      const keys = record.categories.length ? record.categories : [EVERY_CATEGORY];
      for (const key of keys) {
        if (!this.immediate.has(key)) this.immediate.set(key, new Set());
        this.immediate.get(key)!.add(record.id);
      }
      this.followed.set(record.id, keys);
    }
  }

  delete(id: string): void {
    this.entryOf.delete(id);
    this.removeImmediate(id);
  }

  /** The earliest due time, or undefined: what a tick with nobody due looks at, and no more. */
  earliest(): number | undefined {
    this.dropStale();
    return this.heap[0]?.due;
  }

  /** Ids of subscribers due at `now`, earliest first; they stay scheduled until rescheduled. */
  dueAt(now: number): string[] {
    const due: Entry[] = [];
    for (this.dropStale(); this.heap.length && this.heap[0]!.due <= now; this.dropStale()) due.push(this.pop());
    for (const entry of due) this.push(entry);
    return due.map((entry) => entry.id);
  }

  /** How many are due by `until`: the heap's entries down to that time, and no others. */
  dueCount(until: number): number {
    let count = 0;
    const below = [0];
    while (below.length) {
      const index = below.pop()!;
      const entry = this.heap[index];
      if (!entry || entry.due > until) continue;
      if (this.isLive(entry)) count += 1;
      below.push(2 * index + 1, 2 * index + 2);
    }
    return count;
  }

  /** Ids of immediate subscribers who follow any of these categories. */
  immediateFollowers(categories: readonly string[]): Set<string> {
    const ids = new Set<string>();
    for (const key of [EVERY_CATEGORY, ...categories]) for (const id of this.immediate.get(key) ?? []) ids.add(id);
    return ids;
  }

  private removeImmediate(id: string): void {
    for (const key of this.followed.get(id) ?? []) this.immediate.get(key)?.delete(id);
    this.followed.delete(id);
  }

  private dropStale(): void {
    while (this.heap.length && !this.isLive(this.heap[0]!)) this.pop();
    // Stale entries deeper down are dropped when they surface; rebuild if they outnumber the live ones.
    if (this.heap.length > 2 * this.entryOf.size + 1024) this.rebuild();
  }

  private isLive(entry: Entry): boolean {
    return this.entryOf.get(entry.id) === entry;
  }

  private rebuild(): void {
    this.heap.length = 0;
    for (const entry of this.entryOf.values()) this.push(entry);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    let index = heap.push(entry) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent]!.due <= entry.due) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= heap.length) break;
        const child = left + 1 < heap.length && heap[left + 1]!.due < heap[left]!.due ? left + 1 : left;
        if (heap[child]!.due >= last.due) break;
        heap[index] = heap[child]!;
        index = child;
      }
      heap[index] = last;
    }
    return top;
  }
}
