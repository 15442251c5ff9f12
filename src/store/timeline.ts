// Published articles of one scope (the site or a category), newest first, kept sorted so that
// every question a request asks is a binary search, never a scan of all articles.
import type { ArticleRecord } from '../domain/article.js';

interface Entry {
  time: number;
  id: string;
  article: ArticleRecord;
}

export interface Cursor {
  time: number;
  id: string;
}

/** True when a sorts before b: newer first, then by id for a stable order. */
function before(a: Cursor, b: Cursor): boolean {
  return a.time > b.time || (a.time === b.time && a.id > b.id);
}

/** The instant an article is ordered by: its publication, unless a timeline is told otherwise. */
export type TimeOf = (article: ArticleRecord) => string;
const byPublication: TimeOf = (article) => article.publishedAt;

export class Timeline {
  private constructor(
    private readonly entries: Entry[],
    private readonly timeOf: TimeOf,
  ) {}

  static empty(timeOf = byPublication): Timeline {
    return new Timeline([], timeOf);
  }

  /** A timeline built in one sort, for loading a store (inserting one by one is quadratic). */
  static of(articles: readonly ArticleRecord[], timeOf = byPublication): Timeline {
    const entries = articles.map((article) => ({ time: Date.parse(timeOf(article)), id: article.id, article }));
    return new Timeline(entries.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)), timeOf);
  }

  insert(article: ArticleRecord): void {
    const entry = { time: Date.parse(this.timeOf(article)), id: article.id, article };
    this.entries.splice(this.firstNotBefore(entry), 0, entry);
  }

  remove(article: ArticleRecord): void {
    const key = { time: Date.parse(this.timeOf(article)), id: article.id };
    const index = this.firstNotBefore(key);
    if (this.entries[index]?.id === article.id) this.entries.splice(index, 1);
  }

  /** Articles due at `now`, skipping `offset` of them. */
  due(now: number, offset: number, limit: number): ArticleRecord[] {
    const start = this.firstDue(now) + offset;
    return this.entries.slice(start, start + limit).map((entry) => entry.article);
  }

  /** Due articles that come after `cursor` in the newest-first order. */
  dueAfter(now: number, cursor: Cursor, limit: number): ArticleRecord[] {
    const start = Math.max(this.firstDue(now), this.firstNotBefore({ time: cursor.time, id: cursor.id }, true));
    return this.entries.slice(start, start + limit).map((entry) => entry.article);
  }

  /** Due articles published after `since` (exclusive), newest first. */
  dueSince(now: number, since: number): ArticleRecord[] {
    const start = this.firstDue(now);
    const end = this.firstNotBefore({ time: since, id: '\uffff' });
    return this.entries.slice(start, Math.max(start, end)).map((entry) => entry.article);
  }

  countDue(now: number): number {
    return this.entries.length - this.firstDue(now);
  }

  /** When the next scheduled article of this scope becomes due, if any. */
  nextDueAt(now: number): number | undefined {
    const first = this.firstDue(now);
    return first > 0 ? this.entries[first - 1]!.time : undefined;
  }

  private firstDue(now: number): number {
    return this.firstNotBefore({ time: now, id: '\uffff' });
  }

  /** Index of the first entry that does not sort before `key` (or after it, when `strict`). */
  private firstNotBefore(key: Cursor, strictlyAfter = false): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.entries[middle]!;
      const goRight = strictlyAfter ? !before(key, entry) : before(entry, key);
      if (goRight) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
