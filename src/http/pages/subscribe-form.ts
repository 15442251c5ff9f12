// The subscribe and preference forms as templates see them: categories with their checked state,
// what was typed, and each error next to its field, in the site's language.
import type { AppContext } from '../../context.js';
import type { Rhythm } from '../../domain/cadence.js';
import { pageTextFor, type PageText } from '../../i18n/pages.js';
import type { FieldError } from '../errors.js';
import { rhythmFormView, type PostedRhythm, type RhythmFormView } from './rhythm-form.js';

export interface CategoryOption {
  slug: string;
  name: string;
  checked: boolean;
}

const RHYTHM_FIELDS = ['frequency', 'hour', 'weekday', 'timezone'] as const;
type RhythmField = (typeof RHYTHM_FIELDS)[number];

export interface FormErrors extends Partial<Record<RhythmField, string>> {
  email?: string;
  categories?: string;
}

export interface SubscribeFormView {
  email: string;
  options: CategoryOption[];
  errors: FormErrors;
  /** The errors in page order, for the summary at the top of the form. */
  errorList: { field: string; message: string }[];
  /** On the subscribe page and the preference centre (not on the home page's short form). */
  rhythm?: RhythmFormView;
}

/** The form's posted categories: one checkbox gives a string, several an array. */
export function postedCategories(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

function categoryOptions(ctx: AppContext, checked: readonly string[]): CategoryOption[] {
  return ctx.store.articles.categories(ctx.clock()).map(({ slug, name }) => ({ slug, name, checked: checked.includes(slug) }));
}

/** Field errors of the subscription functions (`email`, `categories.N`) as words for people. */
export function formErrors(text: PageText, errors: readonly FieldError[]): FormErrors {
  const result: FormErrors = {};
  for (const { field } of errors) {
    // `categories` alone: none chosen where one is needed; `categories.N`: an unknown one.
    if (field === 'categories') result.categories = text.chooseOneCategory;
    else if (field.startsWith('categories')) result.categories = text.categoriesError;
    else if ((RHYTHM_FIELDS as readonly string[]).includes(field)) result[field as RhythmField] = text.rhythm.invalid;
    else result.email = text.emailError;
  }
  return result;
}

export function subscribeFormView(ctx: AppContext, input: { email?: string; categories?: string[]; errors?: FormErrors } = {}): SubscribeFormView {
  const errors = input.errors ?? {};
  const errorList = [
    ...(errors.email ? [{ field: 'email', message: errors.email }] : []),
    ...(errors.categories ? [{ field: 'categories', message: errors.categories }] : []),
    ...RHYTHM_FIELDS.flatMap((field) => (errors[field] ? [{ field, message: errors[field] }] : [])),
  ];
  return { email: input.email ?? '', options: categoryOptions(ctx, input.categories ?? []), errors, errorList };
}

/**
 * The form with its rhythm fields, showing `chosen` (posted or saved) or the site's defaults;
 * `siteSchedule` offers to stay on the site's newsletter (a subscriber who never chose).
 */
export function withRhythm(ctx: AppContext, form: SubscribeFormView, chosen?: PostedRhythm | Rhythm, siteSchedule = false): SubscribeFormView {
  return { ...form, rhythm: rhythmFormView(ctx.config, pageTextFor(ctx.config.siteLanguage).rhythm, chosen, siteSchedule) };
}
