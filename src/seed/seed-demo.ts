// Demo content for the first start, so a new installation has feeds and pages to look at.
import { createArticle, updateArticle } from '../articles/edit-articles.js';
import type { AppContext } from '../context.js';
import type { ArticleRecord } from '../domain/article.js';
import { DEMO_ARTICLES, type DemoArticle } from './demo-articles.js';

const DAY = 24 * 60 * 60 * 1000;

/** Writes the demo articles, oldest first, then links the related ones by slug. */
export async function seedDemoContent(ctx: AppContext): Promise<void> {
  const now = ctx.clock().getTime();
  const created: { demo: DemoArticle; article: ArticleRecord }[] = [];
  for (const demo of [...DEMO_ARTICLES].sort((a, b) => b.publishedAtDaysAgo - a.publishedAtDaysAgo)) {
    const { publishedAtDaysAgo, related: _related, image, ...fields } = demo;
    const imageUrl = image ? `${ctx.config.baseUrl}/assets/demo-${image}.svg` : undefined;
    const article = await createArticle(ctx, { ...fields, ...(imageUrl ? { imageUrl } : {}), status: 'published', publishedAt: new Date(now - publishedAtDaysAgo * DAY).toISOString() });
    created.push({ demo, article });
  }
  const slugOf = (index: number) => created.find((entry) => entry.demo === DEMO_ARTICLES[index])!.article.slug;
  for (const { demo, article } of created) {
    if (demo.related) await updateArticle(ctx, article.id, { related: demo.related.map(slugOf) });
  }
  ctx.log.info({ articles: created.length }, 'demo content written');
}
