// Which categories a subscriber follows: the slugs they chose, or every category when none.
import type { NewsletterDeps } from './deps.js';
import { followedCategories, type SubscriberRecord } from '../domain/newsletter.js';
import { HttpError } from '../http/errors.js';

/** Every category slug there is now. */
export function allCategorySlugs(ctx: NewsletterDeps): string[] {
  return ctx.store.articles.categories(ctx.clock()).map((category) => category.slug);
}

/** The slugs of the categories a subscriber follows now. */
export function categoriesOf(ctx: NewsletterDeps, subscriber: SubscriberRecord): string[] {
  return followedCategories(subscriber, () => allCategorySlugs(ctx));
}

/**
 * Category slugs that exist (none given: [], meaning every category), or a 422 naming the first
 * unknown one. For readers, a hidden category (no published article yet) is refused exactly like
 * one that does not exist; the admin may name it, e.g. to import subscribers before a launch.
 */
export function checkCategories(ctx: NewsletterDeps, slugs: readonly string[] | undefined, askedBy: 'reader' | 'admin' = 'reader'): string[] {
  const articles = ctx.store.articles;
  if (!slugs) return [];
  const now = ctx.clock();
  const exists = (slug: string) => (askedBy === 'admin' ? articles.category(slug) : articles.visibleCategory(slug, now));
  const unknown = slugs.findIndex((slug) => !exists(slug));
  if (unknown >= 0) throw HttpError.invalid([{ field: `categories.${unknown}`, message: `there is no category "${slugs[unknown]}"` }]);
  return [...new Set(slugs)];
}
