// What an editor may send to create or change an article, validated field by field, and its
// translation into stored fields (sanitised HTML, summary, categories by name).
import { z } from 'zod';
import { htmlToText, MAX_NESTING, sanitizeArticleHtml } from './sanitize.js';
import { stripControlCharacters, summarize } from './text.js';

// A long read of 25,000 words fits. Sanitising runs off the event loop (articles/clean-off-loop.ts),
// but pages and feeds render the stored HTML on it: at 1,000,000 characters of dense markup one
// feed or page took 200–500 ms.
export const MAX_CONTENT = 200_000;

/** One line of text: control characters gone, white space folded, 1 to `max` characters. */
export const plainText = (max: number) =>
  z
    .string()
    // Folding is linear, but a 2 MB title need not be read to be refused.
    .max(10 * max, `must be at most ${max} characters`)
    .transform((text) => stripControlCharacters(text).replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`));

/** A list of at most `max` items, counted before any item is read: 300,000 names are refused at once. */
function atMost<T extends z.ZodType>(max: number, what: string, item: T) {
  return z.array(z.unknown()).max(max, `at most ${max} ${what}`).pipe(z.array(item));
}

const categoryName = plainText(60).refine((name) => !/[<>"]/.test(name), 'must not contain < > or "');

const articleShape = {
  title: plainText(300),
  contentHtml: z.string().min(1, 'must not be empty').max(MAX_CONTENT, `must be at most ${MAX_CONTENT} characters`),
  summary: plainText(1000),
  author: plainText(200),
  categories: atMost(12, 'categories', categoryName),
  imageUrl: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
  publishedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-27T09:00:00Z' }),
  status: z.enum(['published', 'draft']),
  related: atMost(10, 'related articles', z.string().regex(/^[a-z0-9-]+$/, 'must be article slugs')),
};

export const createArticleSchema = z.strictObject({
  ...articleShape,
  summary: articleShape.summary.optional(),
  author: articleShape.author.optional(),
  categories: articleShape.categories.default([]),
  imageUrl: articleShape.imageUrl.optional(),
  publishedAt: articleShape.publishedAt.optional(),
  status: articleShape.status.default('published'),
  related: articleShape.related.optional(),
});

/** Every field optional; `null` clears the optional ones (image, explicit related articles). */
export const updateArticleSchema = z.strictObject({
  title: articleShape.title.optional(),
  contentHtml: articleShape.contentHtml.optional(),
  summary: articleShape.summary.optional(),
  author: articleShape.author.optional(),
  categories: articleShape.categories.optional(),
  imageUrl: articleShape.imageUrl.nullable().optional(),
  publishedAt: articleShape.publishedAt.optional(),
  status: articleShape.status.optional(),
  related: articleShape.related.nullable().optional(),
});

export type CreateArticleInput = z.infer<typeof createArticleSchema>;
export type UpdateArticleInput = z.infer<typeof updateArticleSchema>;

// Every write replaces an article's record, never changes it: an answer per record stays true.
const derivedSummaries = new WeakMap<object, boolean>();

/** True when the summary was cut from the text, not written by the editor; parsed once per record. */
export function hasDerivedSummary(article: { summary: string; contentHtml: string }): boolean {
  return knownDerivedSummary(article) ?? rememberDerivedSummary(article, article.summary === summarize(htmlToText(article.contentHtml)));
}

/** What hasDerivedSummary answered for this record, if it was asked. */
export function knownDerivedSummary(article: object): boolean | undefined {
  return derivedSummaries.get(article);
}

export function rememberDerivedSummary(article: object, derived: boolean): boolean {
  derivedSummaries.set(article, derived);
  return derived;
}

export type CleanContent = { contentHtml: string; summary: string };

/** White space, controls and invisible format characters (U+200B…) show nothing. */
const VISIBLE = /[^\s\p{Cc}\p{Cf}]/u;

/**
 * Clean HTML and, when the editor gave none, a summary cut from its text; or, as `refused`,
 * why this HTML cannot be an article's content.
 */
export function cleanContent(contentHtml: string, summary?: string): CleanContent | { refused: string } {
  const clean = sanitizeArticleHtml(contentHtml);
  if (clean === undefined) return { refused: `must not nest elements more than ${MAX_NESTING} deep` };
  const text = htmlToText(clean);
  // An image alone is content; markup around nothing (a script, empty paragraphs) is not.
  if (!VISIBLE.test(text) && !/<img\b/.test(clean)) return { refused: 'has nothing left to show once unsafe HTML is removed' };
  return { contentHtml: clean, summary: summary ?? summarize(text) };
}

export function toIsoDate(date: string): string {
  return new Date(date).toISOString();
}
