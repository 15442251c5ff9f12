// The console's article form: what it shows for an article, and what a posted form asks of
// the API's validation (the same schemas, the same sanitiser when saved).
import type { Request } from 'express';
import type { AppContext } from '../../context.js';
import { createArticleSchema, updateArticleSchema, type CreateArticleInput, type UpdateArticleInput } from '../../domain/article-input.js';
import { articleVersion, categoryKey, type ArticleRecord } from '../../domain/article.js';
import { fromLocalInput, toLocalInput } from '../../domain/local-time.js';
import type { ConsoleText } from '../../i18n/console.js';
import { HttpError, parseInput, type FieldError } from '../errors.js';

/** The form's fields as strings, as the page shows them and as they were posted. */
export interface ArticleForm {
  id?: string;
  slug?: string;
  version?: string;
  title: string;
  summary: string;
  contentHtml: string;
  categories: string;
  imageUrl: string;
  related: string;
  publishAt: string;
  status?: ArticleState;
}

export type ArticleState = 'published' | 'scheduled' | 'draft';

export function articleState(article: ArticleRecord, now: Date): ArticleState {
  if (article.status === 'draft') return 'draft';
  return Date.parse(article.publishedAt) > now.getTime() ? 'scheduled' : 'published';
}

export const EMPTY_FORM: ArticleForm = { title: '', summary: '', contentHtml: '', categories: '', imageUrl: '', related: '', publishAt: '' };

export function formOf(ctx: AppContext, article: ArticleRecord): ArticleForm {
  return {
    id: article.id,
    slug: article.slug,
    version: articleVersion(article),
    title: article.title,
    summary: article.summary,
    contentHtml: article.contentHtml,
    categories: ctx.store.articles.categoriesOf(article.categories).map((category) => category.name).join(', '),
    imageUrl: article.imageUrl ?? '',
    related: (article.related ?? []).join(', '),
    publishAt: toLocalInput(article.publishedAt, ctx.config.timezone),
    status: articleState(article, ctx.clock()),
  };
}

export function postedForm(req: Request): ArticleForm {
  const field = (name: string) => (typeof req.body?.[name] === 'string' ? (req.body[name] as string) : '');
  // The ticked existing categories, then the names typed in (the only field without JS or checkboxes).
  const ticked = [req.body?.category ?? []].flat().filter((name): name is string => typeof name === 'string');
  return {
    version: field('version') || undefined,
    title: field('title'),
    summary: field('summary'),
    contentHtml: field('contentHtml'),
    categories: [...ticked, field('categories')].filter((names) => names.trim()).join(', '),
    imageUrl: field('imageUrl').trim(),
    related: field('related'),
    publishAt: field('publishAt'),
  };
}

const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);

/** The publication time of the form, or a 422 naming the field. */
function publishedAtOf(ctx: AppContext, form: ArticleForm): string | undefined {
  if (!form.publishAt.trim()) return undefined;
  const date = fromLocalInput(form.publishAt, ctx.config.timezone);
  if (!date) throw HttpError.invalid([{ field: 'publishAt', message: 'is not a date and time' }]);
  return date.toISOString();
}

/** What a create and an update read alike from the form. */
function commonInput(ctx: AppContext, form: ArticleForm, status: 'published' | 'draft') {
  const publishedAt = publishedAtOf(ctx, form);
  return {
    title: form.title,
    contentHtml: form.contentHtml,
    ...(form.summary.trim() ? { summary: form.summary } : {}),
    categories: list(form.categories),
    ...(publishedAt ? { publishedAt } : {}),
    status,
  };
}

export function createInput(ctx: AppContext, form: ArticleForm, status: 'published' | 'draft'): CreateArticleInput {
  return parseInput(createArticleSchema, {
    ...commonInput(ctx, form, status),
    ...(form.imageUrl ? { imageUrl: form.imageUrl } : {}),
    ...(form.related.trim() ? { related: list(form.related) } : {}),
  });
}

/** An empty picture or related field clears it (`null`), as the API's PATCH does. */
export function updateInput(ctx: AppContext, form: ArticleForm, status: 'published' | 'draft'): UpdateArticleInput {
  return parseInput(updateArticleSchema, {
    ...commonInput(ctx, form, status),
    imageUrl: form.imageUrl || null,
    related: form.related.trim() ? list(form.related) : null,
  });
}

/**
 * The editor's category choices: every known category, ticked when the form names it, and the
 * form's other names, which stay in the text field for new categories.
 */
export function categoryChoices(form: ArticleForm, known: readonly { name: string }[]): { choices: { name: string; checked: boolean }[]; newNames: string } {
  const named = new Set(list(form.categories).map(categoryKey));
  const knownNames = new Set(known.map((category) => categoryKey(category.name)));
  return {
    choices: known.map((category) => ({ name: category.name, checked: named.has(categoryKey(category.name)) })),
    newNames: list(form.categories).filter((name) => !knownNames.has(categoryKey(name))).join(', '),
  };
}

/**
 * A 422's field errors as the form's error summary lists them, each message after its field's
 * label in the console's language (`related.2` is the related field).
 */
export function formErrors(err: unknown, labels: Record<string, string>, text: Pick<ConsoleText, 'fieldMessage'>): FieldError[] {
  if (!(err instanceof HttpError) || err.status !== 422) throw err;
  return err.errors.map((error) => {
    const field = error.field.split('.')[0]!;
    return { field, message: `${labels[field] ?? field}: ${text.fieldMessage(error.message)}` };
  });
}
