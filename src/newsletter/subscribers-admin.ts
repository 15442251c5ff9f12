// What the publisher does with the list: look at it, import one (as confirmed), erase someone,
// and preview the next digest.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { plainText } from '../domain/article-input.js';
import { groupDigest, type SubscriberRecord } from '../domain/newsletter.js';
import { fieldErrors, HttpError, parseInput, type FieldError } from '../http/errors.js';
import { allCategorySlugs, checkCategories } from './categories.js';
import { personalize } from './render-email.js';
import { categoryList, emailAddress } from './subscriptions.js';

const MAX_IMPORT = 100_000;
const PREVIEW_DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

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
      slugs = checkCategories(ctx, categories, 'admin');
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

/** The HTML the next digest would have for these categories: what is new since the last run. */
export async function previewDigest(ctx: AppContext, categoriesParam: unknown): Promise<string> {
  const requested = typeof categoriesParam === 'string' && categoriesParam.trim() ? categoriesParam.split(',').map((slug) => slug.trim()) : undefined;
  const slugs = requested ? checkCategories(ctx, requested, 'admin') : allCategorySlugs(ctx);
  const now = ctx.clock();
  const lastRun = ctx.store.newsletter.runs().at(-1);
  const since = lastRun ? new Date(lastRun.startedAt) : new Date(now.getTime() - PREVIEW_DEFAULT_WINDOW_MS);
  const articles = ctx.store.articles.listDueSince(slugs, now, since);
  if (articles.length === 0) throw HttpError.notFound(`Nothing new in these categories since ${since.toISOString()}: no newsletter would be sent`);
  const categories = ctx.store.articles.categoriesOf(slugs);
  const template = await ctx.emails.digest(groupDigest(articles, categories));
  return personalize(template, { greeting: '', manageUrl: '#preview', unsubscribeUrl: '#preview' }).html;
}
