// Turns a page's data into HTML: one nunjucks environment over templates/pages (auto-escaping),
// the layout's shared data (site, language, navigation, feeds), dates in TIMEZONE.
import type { AppContext } from '../../context.js';
import { escapeHtml } from '../../domain/text.js';
import { pageTextFor, type PageText } from '../../i18n/pages.js';
import { createTemplateEnvironment } from '../../templates.js';
import { createAssetUrls } from './assets.js';
import { createPagePaths, type PagePaths } from './page-paths.js';
import { siteFeeds, type FeedGroup } from './page-views.js';

/** What a page tells the layout about itself. */
export interface PageMeta {
  title?: string;
  description?: string;
  /** Absolute URL of the page's canonical address. */
  canonical?: string;
  /** Feed groups besides the site's (a category's), for `<link rel="alternate">` and the footer. */
  feeds?: FeedGroup[];
  /** Open Graph data for articles. */
  og?: { type: string; title: string; description: string; image?: string; url: string; publishedTime?: string };
  /** Pages with personal links (tokens) are kept out of search engines. */
  noindex?: boolean;
}

export interface PageRenderer {
  text: PageText;
  paths: PagePaths;
  render(template: string, meta: PageMeta, data?: Record<string, unknown>): string;
  renderErrorPage(status: number, title: string, detail: string): string;
}

export function createPageRenderer(ctx: AppContext): PageRenderer {
  const { config } = ctx;
  const text = pageTextFor(config.siteLanguage);
  const paths = createPagePaths(config.baseUrl);
  const assetUrl = createAssetUrls(paths.prefix);
  const templates = createTemplateEnvironment('pages');
  const longDate = new Intl.DateTimeFormat(config.siteLanguage, { dateStyle: 'long', timeZone: config.timezone });
  const dateAndTime = new Intl.DateTimeFormat(config.siteLanguage, { dateStyle: 'long', timeStyle: 'short', timeZone: config.timezone });
  templates.addFilter('date', (iso: string) => longDate.format(new Date(iso)));
  templates.addFilter('datetime', (iso: string) => dateAndTime.format(new Date(iso)));
  templates.addGlobal('t', text);
  templates.addGlobal('paths', paths);
  templates.addGlobal('asset', assetUrl);
  templates.addGlobal('site', { title: config.siteTitle, description: config.siteDescription, baseUrl: config.baseUrl });
  templates.addGlobal('lang', config.siteLanguage);

  function render(template: string, meta: PageMeta, data: Record<string, unknown> = {}): string {
    const now = ctx.clock();
    const navigation = ctx.store.articles.categories(now).filter((category) => category.count > 0);
    const feeds = [siteFeeds(ctx), ...(meta.feeds ?? [])];
    return templates.render(template, { ...data, meta: { ...meta, feeds }, navigation });
  }

  return {
    text,
    paths,
    render,
    renderErrorPage(status, title, detail) {
      // Known statuses get words in the site's language; the handler's own words stay as detail.
      const known = text.errorHeadings[status] ? status : status >= 500 ? 500 : undefined;
      const heading = known ? text.errorHeadings[known]! : title;
      const body = known ? text.errorBodies[known]! : detail;
      try {
        return render('error.njk', { title: heading, noindex: true }, { status, heading, body, detail: detail === body ? undefined : detail });
      } catch (err) {
        // The error page must not fail in turn (a broken template, an unreadable store).
        ctx.log.error({ err }, 'pages: error page not rendered');
        return `<!doctype html><html lang="${escapeHtml(config.siteLanguage)}"><meta charset="utf-8"><title>${escapeHtml(heading)}</title><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(body)}</p>`;
      }
    },
  };
}
