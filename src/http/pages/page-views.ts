// The data a template needs, built from store records: plain objects with links ready to use,
// so templates hold no logic beyond loops and conditions.
import type { AppContext } from '../../context.js';
import type { ArticleRecord, Category } from '../../domain/article.js';
import { FEED_FORMATS, FEED_MEDIA_TYPES, FEED_NAMES, feedUrls } from '../../feeds/feed-urls.js';
import { SITE_SCOPE } from '../../store/articles.js';
import type { PagePaths } from './page-paths.js';

export interface FeedLink {
  format: string;
  type: string;
  title: string;
  href: string;
}

export interface FeedGroup {
  name: string;
  links: FeedLink[];
}


function feedGroup(ctx: AppContext, scope: string, name: string): FeedGroup {
  const urls = feedUrls(ctx.config.baseUrl, scope);
  return {
    name,
    links: FEED_FORMATS.map((format) => ({
      format: FEED_NAMES[format],
      type: FEED_MEDIA_TYPES[format],
      title: `${name} (${FEED_NAMES[format]})`,
      href: urls[format],
    })),
  };
}

/** The site's three feeds: linked from every page. */
export function siteFeeds(ctx: AppContext): FeedGroup {
  return feedGroup(ctx, SITE_SCOPE, ctx.config.siteTitle);
}

/** A category's three feeds, named "Category · Site" as the feeds name themselves. */
export function categoryFeeds(ctx: AppContext, category: Category): FeedGroup {
  return feedGroup(ctx, category.slug, `${category.name} · ${ctx.config.siteTitle}`);
}

export interface CategoryLink {
  slug: string;
  name: string;
  href: string;
}

export interface ArticleCard {
  title: string;
  href: string;
  summary: string;
  author: string;
  publishedAt: string;
  imageUrl?: string;
  categories: CategoryLink[];
}

function categoryLinks(ctx: AppContext, paths: PagePaths, slugs: readonly string[]): CategoryLink[] {
  return slugs.flatMap((slug) => {
    const category = ctx.store.articles.category(slug);
    return category ? [{ slug, name: category.name, href: paths.category(slug) }] : [];
  });
}

export function articleCard(ctx: AppContext, paths: PagePaths, article: ArticleRecord): ArticleCard {
  return {
    title: article.title,
    href: paths.article(article.slug),
    summary: article.summary,
    author: article.author,
    publishedAt: article.publishedAt,
    imageUrl: article.imageUrl,
    categories: categoryLinks(ctx, paths, article.categories),
  };
}

export interface Pagination {
  page: number;
  last: number;
  total: number;
  newer?: string;
  older?: string;
}

/** Links to the neighbouring pages of a list shown `size` at a time. */
export function pagination(href: string, page: number, total: number, size: number): Pagination {
  const last = Math.max(1, Math.ceil(total / size));
  const at = (n: number) => (n === 1 ? href : `${href}?page=${n}`);
  return { page, last, total, newer: page > 1 ? at(page - 1) : undefined, older: page < last ? at(page + 1) : undefined };
}
