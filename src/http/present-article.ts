// An article as the API shows it: categories by name, its URL, its related articles.
import type { AppContext } from '../context.js';
import type { ArticleRecord, ArticleView } from '../domain/article.js';
import { articleUrl } from '../feeds/feed-urls.js';

export function presentArticle(ctx: AppContext, article: ArticleRecord): ArticleView {
  const { articles } = ctx.store;
  const { related, categories, source, originalUrl, ...fields } = article;
  const origin = source && ctx.store.sources.byId(source.id);
  return {
    ...fields,
    imageUrl: article.imageUrl ?? null,
    categories: articles.categoriesOf(categories),
    url: articleUrl(ctx.config.baseUrl, article.slug),
    related: articles.related(article, ctx.clock()).map((other) => other.slug),
    // A deleted source's articles stay, and say no more than where they were first published.
    source: origin ? { id: origin.id, title: origin.title, url: origin.siteUrl ?? origin.url } : null,
    originalUrl: originalUrl ?? null,
  };
}
