// What the publisher does with the list: look at it, import one (as confirmed), erase someone,
// and preview the next digest.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { plainText } from '../domain/article-input.js';
import type { ArticleRecord } from '../domain/article.js';
import { groupDigest, type SubscriberRecord } from '../domain/newsletter.js';
import { fieldErrors, HttpError, parseInput, type FieldError } from '../http/errors.js';
import { EMAIL_TEXT } from '../i18n/email.js';
import { formatDate, languageOf } from '../i18n/locale.js';
import { allCategorySlugs, checkCategories } from './categories.js';
import { personalize } from './render-email.js';
import { categoryList, emailAddress } from './subscriptions.js';

const MAX_IMPORT = 100_000;
const PREVIEW_DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** How many of the latest articles a sample preview shows. */
const SAMPLE_ARTICLES = 10;

const importedSubscriber = z.strictObject({
  email: emailAddress,
  // A list from another service often has empty names: no name, not an error.
  name: z.preprocess((name) => (typeof name === 'string' && !name.trim() ? undefined : name), plainText(100).optional()),
  categories: categoryList.optional(),
});

export function listSubscribers(ctx: AppContext) {
  return ctx.store.newsletter
    .subscribers()
    .filter((subscriber) => subscriber.status !== 'erased')
    .map(({ id, email, name, categories, status, source, createdAt, confirmedAt, watermark, failures }) => ({
      id, email, name, categories, status, source, createdAt, confirmedAt, lastDigestUpTo: watermark, failures,
    }));
}

export interface ImportResult {
  imported: number;
  skipped: number;
  /** Why entries were skipped, by their index in the request (first 100). */
  errors: (FieldError & { index: number })[];
}

/** Imports a list as confirmed, in one write: invalid and already known addresses are skipped. */
export async function importSubscribers(ctx: AppContext, body: unknown): Promise<ImportResult> {
  const list = parseInput(z.array(z.unknown()).min(1, 'send at least one subscriber').max(MAX_IMPORT, `at most ${MAX_IMPORT} per call`), body);
  const now = ctx.clock().toISOString();
  const { newsletter } = ctx.store;
  const added: SubscriberRecord[] = [];
  const seen = new Set<string>();
  const errors: ImportResult['errors'] = [];
  list.forEach((entry, index) => {
    const parsed = importedSubscriber.safeParse(entry);
    if (!parsed.success) return void errors.push(...fieldErrors(parsed.error).map((error) => ({ index, ...error })));
    const { email, name, categories } = parsed.data;
    if (seen.has(email) || newsletter.subscriberByEmail(email)) return void errors.push({ index, field: 'email', message: 'is already on the list' });
    let slugs: string[];
    try {
      slugs = checkCategories(ctx, categories);
    } catch (err) {
      return void errors.push(...(err as HttpError).errors.map((error) => ({ index, ...error })));
    }
    seen.add(email);
    added.push({ id: randomUUID(), email, ...(name ? { name } : {}), categories: slugs, status: 'confirmed', source: 'import', createdAt: now, confirmedAt: now, watermark: now, failures: 0 });
  });
  if (added.length) await newsletter.saveSubscribers(added);
  ctx.log.info({ imported: added.length, skipped: list.length - added.length }, 'subscribers imported');
  return { imported: added.length, skipped: list.length - added.length, errors: errors.slice(0, 100) };
}

/** Removes the person for good: address, name and outbox copies gone, run counts untouched. */
export async function eraseSubscriber(ctx: AppContext, id: string): Promise<void> {
  const subscriber = ctx.store.newsletter.subscriberById(id);
  if (!subscriber || subscriber.status === 'erased') throw HttpError.notFound(`There is no subscriber ${id}`);
  await ctx.mailer.forgetRecipient(subscriber.email);
  await ctx.store.newsletter.updateSubscriber(id, { email: '', name: undefined, categories: [], status: 'erased', watermark: undefined, retryAfter: undefined });
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
export async function previewDigest(ctx: AppContext, categoriesParam: unknown): Promise<DigestPreview> {
  const requested = typeof categoriesParam === 'string' && categoriesParam.trim() ? categoriesParam.split(',').map((slug) => slug.trim()) : undefined;
  const slugs = requested ? checkCategories(ctx, requested) : allCategorySlugs(ctx);
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
function latestArticles(ctx: AppContext, slugs: readonly string[], now: Date): ArticleRecord[] {
  const found = new Map(slugs.flatMap((slug) => ctx.store.articles.listDue(slug, now, 0, SAMPLE_ARTICLES)).map((article) => [article.id, article]));
  return [...found.values()].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0)).slice(0, SAMPLE_ARTICLES);
}
