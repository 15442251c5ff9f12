// What the publisher does with the list: look at it, import one (as confirmed), erase someone,
// and preview the next digest.
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { NewsletterDeps } from './deps.js';
import { plainText } from '../domain/article-input.js';
import type { ArticleRecord } from '../domain/article.js';
import { groupDigest, type SubscriberRecord } from '../domain/newsletter.js';
import { fieldErrors, HttpError, parseInput, type FieldError } from '../http/errors.js';
import { EMAIL_TEXT } from '../i18n/email.js';
import { formatDate, languageOf } from '../i18n/locale.js';
import { allCategorySlugs, checkCategories } from './categories.js';
import { nextDigestAt } from './due-digests.js';
import { personalize } from './render-email.js';
import { rhythmFields, rhythmOf } from './rhythm-input.js';
import { categoryList, emailAddress } from './subscriptions.js';
import { subscriberSlices } from '../store/newsletter.js';

const MAX_IMPORT = 100_000;
/** Entries checked between two turns of the event loop. */
const IMPORT_SLICE = 1000;
/** Subscribers a search looks at between two turns of the event loop. */
const SEARCH_SLICE = 5000;
const PREVIEW_DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** How many of the latest articles a sample preview shows. */
const SAMPLE_ARTICLES = 10;

const importedSubscriber = z.strictObject({
  email: emailAddress,
  // A list from another service often has empty names: no name, not an error.
  name: z.preprocess((name) => (typeof name === 'string' && !name.trim() ? undefined : name), plainText(100).optional()),
  categories: categoryList.optional(),
  ...rhythmFields,
});

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().regex(/^[0-9a-f-]{36}$/, 'is not a cursor from a previous page').optional(),
  status: z.enum(['pending', 'confirmed', 'unsubscribed', 'bouncing']).optional(),
});

export interface SubscriberListPage {
  items: ReturnType<typeof presentSubscriber>[];
  /** The query string of the next page, when there is one. */
  next?: string;
}

/** One page of the list, ordered by id (stable while it changes); erased subscribers are left out. */
export function listSubscribers(ctx: NewsletterDeps, query: unknown): SubscriberListPage {
  const { limit, cursor, status } = parseInput(listQuery, query);
  const page = ctx.store.newsletter.pageSubscribers(cursor, limit, status);
  const next = page.next ? new URLSearchParams({ ...(status ? { status } : {}), limit: String(limit), cursor: page.next }).toString() : undefined;
  return { items: page.items.map(presentSubscriber), ...(next ? { next } : {}) };
}

/**
 * Up to `limit` subscribers whose address contains `fragment`, in id order: a walk over the list
 * in slices, requests served between them (at a million, a search never holds the service).
 */
export async function findSubscribers(ctx: NewsletterDeps, fragment: string, limit: number): Promise<SubscriberRecord[]> {
  const found: SubscriberRecord[] = [];
  for (const slice of subscriberSlices(ctx.store.newsletter, SEARCH_SLICE)) {
    for (const subscriber of slice) if (subscriber.email.includes(fragment) && found.push(subscriber) >= limit) return found;
    await yieldToEventLoop();
  }
  return found;
}

function presentSubscriber({ id, email, name, categories, status, source, createdAt, confirmedAt, watermark, failures, rhythm, nextDigestAt }: SubscriberRecord) {
  return { id, email, name, categories, status, source, createdAt, confirmedAt, lastDigestUpTo: watermark, failures, ...rhythm, nextDigestAt };
}

export interface ImportResult {
  imported: number;
  skipped: number;
  /** Why entries were skipped, by their index in the request (first 100). */
  errors: (FieldError & { index: number })[];
}

/**
 * Imports a list as confirmed: invalid and already known addresses are skipped. Checked and
 * written in slices of a thousand, so the service keeps answering during a large import.
 * `dryRun` checks every entry and writes nothing (the console's preview).
 */
export async function importSubscribers(ctx: NewsletterDeps, body: unknown, options: { dryRun?: boolean } = {}): Promise<ImportResult> {
  const list = parseInput(z.array(z.unknown()).min(1, 'send at least one subscriber').max(MAX_IMPORT, `at most ${MAX_IMPORT} per call`), body);
  const now = ctx.clock().toISOString();
  const { newsletter } = ctx.store;
  const added: SubscriberRecord[] = [];
  const seen = new Set<string>();
  const errors: ImportResult['errors'] = [];
  for (const [index, entry] of list.entries()) {
    // Checking 100,000 entries takes seconds: requests are served between slices.
    if (index % IMPORT_SLICE === IMPORT_SLICE - 1) await yieldToEventLoop();
    const parsed = importedSubscriber.safeParse(entry);
    if (!parsed.success) {
      errors.push(...fieldErrors(parsed.error).map((error) => ({ index, ...error })));
      continue;
    }
    const { email, name, categories, ...fields } = parsed.data;
    if (seen.has(email) || newsletter.subscriberByEmail(email)) {
      errors.push({ index, field: 'email', message: 'is already on the list' });
      continue;
    }
    let slugs: string[];
    try {
      slugs = checkCategories(ctx, categories, 'admin');
    } catch (err) {
      errors.push(...(err as HttpError).errors.map((error) => ({ index, ...error })));
      continue;
    }
    seen.add(email);
    const rhythm = rhythmOf(ctx.config, fields);
    const schedule = rhythm ? { rhythm, nextDigestAt: nextDigestAt(rhythm, new Date(now)) } : {};
    added.push({ id: randomUUID(), email, ...(name ? { name } : {}), categories: slugs, status: 'confirmed', source: 'import', createdAt: now, confirmedAt: now, watermark: now, failures: 0, ...schedule });
  }
  if (options.dryRun) return { imported: added.length, skipped: list.length - added.length, errors };
  if (added.length) await newsletter.saveSubscribers(added);
  ctx.log.info({ imported: added.length, skipped: list.length - added.length }, 'subscribers imported');
  return { imported: added.length, skipped: list.length - added.length, errors: errors.slice(0, 100) };
}

/** Removes the person for good: address, name and outbox copies gone, run counts untouched. */
export async function eraseSubscriber(ctx: NewsletterDeps, id: string): Promise<void> {
  const subscriber = ctx.store.newsletter.subscriberById(id);
  if (!subscriber || subscriber.status === 'erased') throw HttpError.notFound(`There is no subscriber ${id}`);
  await ctx.mailer.forgetRecipient(subscriber.email);
  await ctx.store.newsletter.updateSubscriber(id, { email: '', name: undefined, categories: [], status: 'erased', watermark: undefined, retryAfter: undefined, rhythm: undefined, nextDigestAt: undefined });
  // The journal still holds the address until the snapshot is written anew.
  await ctx.store.compact();
}

/** What the preview shows: the next digest, or (when nothing is new) a sample of the latest articles. */
export interface DigestPreview {
  kind: 'next' | 'sample';
  html: string;
}

/**
 * The HTML the next digest would have for these categories: what is new since the last run. On
 * a quiet day a sample with the latest articles of those categories, saying so at the top.
 */
export async function previewDigest(ctx: NewsletterDeps, categoriesParam: unknown): Promise<DigestPreview> {
  const requested = typeof categoriesParam === 'string' && categoriesParam.trim() ? categoriesParam.split(',').map((slug) => slug.trim()) : undefined;
  const slugs = requested ? checkCategories(ctx, requested, 'admin') : allCategorySlugs(ctx);
  const now = ctx.clock();
  const lastRun = ctx.store.newsletter.runs().at(-1);
  const since = lastRun ? new Date(lastRun.startedAt) : new Date(now.getTime() - PREVIEW_DEFAULT_WINDOW_MS);
  const categories = ctx.store.articles.categoriesOf(slugs);
  const next = ctx.store.articles.listDueSince(slugs, now, since);
  const kind = next.length > 0 ? 'next' : 'sample';
  const articles = kind === 'next' ? next : latestArticles(ctx, slugs, now);
  const template = await ctx.emails.digest(groupDigest(articles, categories));
  const { siteLanguage, timezone } = ctx.config;
  // The notice goes where a recipient's greeting would: the top of the digest, escaped like it.
  const greeting = kind === 'sample' ? EMAIL_TEXT[languageOf(siteLanguage)].previewSample(formatDate(since, siteLanguage, timezone)) : '';
  return { kind, html: personalize(template, { greeting, manageUrl: '#preview', unsubscribeUrl: '#preview' }).html };
}

/** The newest due articles of these categories, each once, newest first. */
function latestArticles(ctx: NewsletterDeps, slugs: readonly string[], now: Date): ArticleRecord[] {
  const found = new Map(slugs.flatMap((slug) => ctx.store.articles.listDue(slug, now, 0, SAMPLE_ARTICLES)).map((article) => [article.id, article]));
  return [...found.values()].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0)).slice(0, SAMPLE_ARTICLES);
}
