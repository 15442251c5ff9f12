// The ingest: sources (feeds published elsewhere) fetched on their schedule, their items turned
// into articles (import-items.ts). Built once in the context; `start` sets its timer, `stop`
// ends it before the store closes. Tests move the clock and call `runDueWork`.
import { randomUUID } from 'node:crypto';
import type { IngestDeps } from './deps.js';
import { DEFAULT_BACKFILL, DEFAULT_INTERVAL_MINUTES, FAILING_AFTER, nextFetchAfterFailure, nextFetchAfterSuccess, type FetchHints, type SourceRecord } from '../domain/source.js';
import { decodeFeed } from './decode-feed.js';
import { FETCH_LIMITS, fetchFeed, type FetchLimits, type FetchResult } from './fetch-feed.js';
import { createKeyedQueue } from '../store/keyed-queue.js';
import { importItems, type ImportCounts } from './import-items.js';
import { askHub, callbackPath, needsRenewal, newPush, signatureValid, verify } from './push.js';
import { readFeed, type FeedDocument } from './read-items.js';

/** How often due sources are looked at (the shortest interval is 5 minutes). */
const SWEEP_INTERVAL_MS = 30_000;
/** Fetches under way at once, across sources. */
export const FETCH_CONCURRENCY = 8;

export interface NewSource {
  url: string;
  categories?: string[];
  keepCategories?: boolean;
  intervalMinutes?: number;
  backfill?: number;
}

export type SourceChanges = Partial<Pick<SourceRecord, 'categories' | 'keepCategories' | 'intervalMinutes'>> & { active?: true };

export class SourceRefusedError extends Error {}

export interface Ingest {
  /** Fetches the feed once; saves the source and imports its newest items, or throws SourceRefusedError saying why not. */
  add(input: NewSource): Promise<SourceRecord>;
  /** Fetches a source now (joining a fetch of it under way). */
  fetchNow(id: string): Promise<SourceRecord | undefined>;
  change(id: string, changes: SourceChanges): Promise<SourceRecord | undefined>;
  /** Stops a source; its articles stay unless `deleteArticles`. */
  remove(id: string, deleteArticles: boolean): Promise<boolean>;
  /** A hub's verification GET at a source's callback: the challenge to echo, or undefined (404). */
  verifyCallback(id: string, query: Record<string, unknown>): Promise<string | undefined>;
  /** A hub's push: imported when signed with the source's secret, else ignored (false). */
  receivePush(id: string, body: Buffer, contentType: string, signature: string | undefined): Promise<boolean>;
  /** What the timer does: fetches every source that is due, FETCH_CONCURRENCY at a time; renews leases. */
  runDueWork(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createIngest(ctx: IngestDeps, limits: FetchLimits = FETCH_LIMITS): Ingest {
  const { store, clock, log } = ctx;
  const sources = store.sources;
  const underWay = new Map<string, Promise<SourceRecord | undefined>>();
  /** Imports of one source (fetched or pushed) one after another: an item never becomes two articles. */
  const exclusive = createKeyedQueue();
  const callbackUrl = (id: string) => ctx.config.baseUrl + callbackPath(id);
  const aborter = new AbortController();
  const userAgent = `Notiziario feed fetcher (+${ctx.config.baseUrl})`;
  let timer: NodeJS.Timeout | undefined;
  let sweep: Promise<void> | undefined;

  const fetchOnce = (source: Pick<SourceRecord, 'url' | 'etag' | 'lastModified'>) =>
    fetchFeed(ctx.outbound, { url: source.url, etag: source.etag, lastModified: source.lastModified, userAgent, signal: aborter.signal, limits }, clock());

  /** One fetch of a source at a time: a second caller joins the fetch under way. */
  function fetchSource(id: string): Promise<SourceRecord | undefined> {
    const running = underWay.get(id);
    if (running) return running;
    const work = exclusive(id, () => fetchAndImport(id)).finally(() => underWay.delete(id));
    underWay.set(id, work);
    return work;
  }

  async function fetchAndImport(id: string): Promise<SourceRecord | undefined> {
    const source = sources.byId(id);
    if (!source || source.state === 'gone') return source;
    let result: FetchResult;
    let document: FeedDocument | undefined;
    try {
      result = await fetchOnce(source);
      if (result.kind === 'document') document = readFeed(decodeFeed(result.body, result.contentType), result.url);
    } catch (err) {
      return failed(id, (err as Error).message, {});
    }
    const now = clock();
    const moved = result.url !== source.url ? { url: result.url } : {};
    if (result.kind === 'gone') return sources.update(id, () => ({ ...moved, state: 'gone', lastFetchAt: now.toISOString(), lastError: `${source.url} answered 410: the feed is gone` }));
    if (result.kind === 'failed') return failed(id, result.reason, result.hints, moved);
    const counts = document ? await importItems(ctx, source, document.items, now) : undefined;
    if (document) await offerPush(id, result.hubs[0] ?? document.hubs[0], result.selfUrl ?? document.selfUrl ?? result.url);
    const hints: FetchHints = { ...result.hints, ttlMinutes: document?.ttlMinutes };
    return sources.update(id, (before) => ({
      ...moved,
      ...(document ? { title: document.title, siteUrl: document.siteUrl ?? null, backfilled: true } : {}),
      ...(counts && !before.backfilled ? { passedOver: counts.passedOver } : {}),
      ...(result.kind === 'document' ? { etag: result.etag, lastModified: result.lastModified } : {}),
      state: 'active',
      failures: 0,
      lastError: null,
      lastFetchAt: now.toISOString(),
      nextFetchAt: nextFetchAfterSuccess(before, hints, now).toISOString(),
      counts: counts ? added(before.counts, counts) : before.counts,
    }));
  }

  const added = (before: SourceRecord['counts'], counts: ImportCounts) => ({ seen: counts.seen, imported: before.imported + counts.imported, updated: before.updated + counts.updated });

  /** Subscribes to the hub a feed names, unless already subscribed there for that topic. */
  async function offerPush(id: string, hub: string | undefined, topic: string): Promise<void> {
    const push = sources.byId(id)?.push;
    if (!hub || (push?.hub === hub && push.topic === topic)) return;
    // Saved before asking: the hub may verify before it answers the request.
    const requested = newPush(hub, topic);
    await sources.update(id, () => ({ push: requested }));
    try {
      await askHub(ctx.outbound, requested, callbackUrl(id), 'subscribe', aborter.signal);
    } catch (err) {
      log.info({ err, source: id, hub }, 'ingest: the hub did not take the subscription; the source is polled');
      await sources.update(id, () => ({ push: undefined }));
    }
  }

  async function renewLeases(): Promise<void> {
    const now = clock();
    for (const source of sources.all()) {
      if (!source.push || !needsRenewal(source.push, now)) continue;
      await askHub(ctx.outbound, source.push, callbackUrl(source.id), 'subscribe', aborter.signal).catch((err: unknown) => log.info({ err, source: source.id }, 'ingest: a lease could not be renewed; polling takes over when it ends'));
    }
  }

  function failed(id: string, reason: string, hints: FetchHints, moved: Partial<SourceRecord> = {}): Promise<SourceRecord | undefined> {
    const now = clock();
    log.info({ source: id, reason }, 'ingest: a fetch failed');
    return sources.update(id, (before) => {
      const failures = before.failures + 1;
      return {
        ...moved,
        failures,
        state: failures >= FAILING_AFTER ? 'failing' : 'active',
        lastError: reason,
        lastFetchAt: now.toISOString(),
        nextFetchAt: nextFetchAfterFailure(before, failures, hints, now).toISOString(),
      };
    });
  }

  async function runDueWork(): Promise<void> {
    const now = clock().getTime();
    const due = sources.all().filter((source) => source.state !== 'gone' && Date.parse(source.nextFetchAt) <= now);
    let next = 0;
    const worker = async () => {
      while (next < due.length) await fetchSource(due[next++]!.id);
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, due.length) }, worker));
    await renewLeases();
  }

  return {
    async add(input) {
      const now = clock();
      let result: FetchResult;
      let document: FeedDocument;
      try {
        result = await fetchOnce({ url: input.url });
        if (result.kind !== 'document') throw new Error(result.kind === 'failed' ? result.reason : `${input.url} answered ${result.kind === 'gone' ? '410 Gone' : '304 Not Modified'}`);
        document = readFeed(decodeFeed(result.body, result.contentType), result.url);
      } catch (err) {
        throw new SourceRefusedError((err as Error).message);
      }
      const intervalMinutes = input.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES;
      const source: SourceRecord = {
        id: randomUUID(),
        url: result.url,
        title: document.title,
        siteUrl: document.siteUrl ?? null,
        categories: input.categories ?? [],
        keepCategories: input.keepCategories ?? false,
        intervalMinutes,
        backfill: input.backfill ?? DEFAULT_BACKFILL,
        state: 'active',
        createdAt: now.toISOString(),
        lastFetchAt: now.toISOString(),
        nextFetchAt: nextFetchAfterSuccess({ intervalMinutes }, { ...result.hints, ttlMinutes: document.ttlMinutes }, now).toISOString(),
        lastError: null,
        failures: 0,
        backfilled: false,
        passedOver: [],
        counts: { seen: 0, imported: 0, updated: 0 },
      };
      await sources.save(source);
      // Counted as the source's fetch under way: a fetch asked for meanwhile joins this one.
      const imported = exclusive(source.id, async () => {
        const { passedOver, ...counts } = await importItems(ctx, source, document.items, now);
        // The validators only once the items are in: after a crash before this, the next fetch gets them all again.
        await sources.update(source.id, () => ({ backfilled: true, passedOver, counts, etag: result.etag, lastModified: result.lastModified }));
        await offerPush(source.id, result.hubs[0] ?? document.hubs[0], result.selfUrl ?? document.selfUrl ?? result.url);
        return sources.byId(source.id);
      });
      underWay.set(source.id, imported.finally(() => underWay.delete(source.id)));
      return (await imported)!;
    },
    fetchNow: fetchSource,
    change: (id, changes) =>
      sources.update(id, () => {
        const { active, ...fields } = changes;
        // A new interval counts from the next fetch; a failing or gone source asked to be active is fetched at the next sweep.
        return { ...fields, ...(active ? { state: 'active', failures: 0, nextFetchAt: clock().toISOString() } : {}) };
      }),
    async remove(id, deleteArticles) {
      const source = sources.byId(id);
      if (!source) return false;
      await underWay.get(id)?.catch(() => undefined);
      await sources.remove(id);
      if (source.push) await askHub(ctx.outbound, source.push, callbackUrl(id), 'unsubscribe', aborter.signal).catch((err: unknown) => log.info({ err, source: id }, 'ingest: the hub did not take the unsubscription; its lease runs out'));
      if (deleteArticles) for (const article of store.articles.ofSource(id)) await store.articles.remove(article.id);
      return true;
    },
    async verifyCallback(id, query) {
      const answer = verify(sources.byId(id), query, clock());
      if (answer?.push) await sources.update(id, () => ({ push: answer.push }));
      return answer?.challenge;
    },
    async receivePush(id, body, contentType, signature) {
      const source = sources.byId(id);
      if (!source?.push || !signatureValid(source.push.secret, signature, body)) {
        log.warn({ source: id }, 'ingest: a push without a valid signature was ignored');
        return false;
      }
      await exclusive(id, async () => {
        const current = sources.byId(id);
        if (!current) return;
        const document = readFeed(decodeFeed(body, contentType), current.url);
        const counts = await importItems(ctx, current, document.items, clock());
        await sources.update(id, (before) => ({ counts: added(before.counts, counts), lastError: null }));
      }).catch((err: unknown) => log.warn({ err, source: id }, 'ingest: a signed push could not be read; the next fetch catches up'));
      return true;
    },
    runDueWork,
    start() {
      timer = setInterval(() => {
        // Sources are fetched by one instance: the leader (see store/leadership.ts).
        if (!ctx.store.leadership.holds()) return;
        sweep ??= runDueWork()
          .catch((err: unknown) => log.error({ err }, 'ingest: the sweep failed'))
          .finally(() => (sweep = undefined));
      }, SWEEP_INTERVAL_MS).unref();
    },
    async stop() {
      clearInterval(timer);
      aborter.abort();
      await sweep;
      await Promise.allSettled(underWay.values());
    },
  };
}
