// Where every page lives, in one place: routes register these patterns and templates link to
// the same paths. Paths are root-relative under BASE_URL's path, so the pages work behind a
// proxy that mounts the site under a prefix.

export const PAGE_ROUTES = {
  home: '/',
  category: '/categories/:slug',
  article: '/articles/:slug',
  subscribe: '/subscribe',
  subscribeSent: '/subscribe/sent',
  confirm: '/subscriptions/confirm',
  manage: '/subscriptions/manage',
  unsubscribe: '/subscriptions/unsubscribe',
  embedScript: '/embed.js',
  embedFrame: '/embed/:slug',
  assets: '/assets',
} as const;

export interface PagePaths {
  /** The prefix of BASE_URL's path ('' for a site at the root). */
  prefix: string;
  home: string;
  category(slug: string): string;
  article(slug: string): string;
  subscribe(category?: string): string;
  subscribeSent: string;
  /** Where the confirmation page posts (the token travels in the form). */
  confirmAction: string;
  manage(token: string, saved?: boolean): string;
  /** Where the preference form posts (the token travels in the form). */
  manageAction: string;
  unsubscribe(token: string): string;
  embedScript: string;
  embedFrame(slug: string): string;
  opml: string;
}

export function createPagePaths(baseUrl: string): PagePaths {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const at = (path: string) => prefix + path;
  const withToken = (path: string, token: string, extra = '') => at(`${path}?token=${encodeURIComponent(token)}${extra}`);
  return {
    prefix,
    home: at('/'),
    category: (slug) => at(`/categories/${encodeURIComponent(slug)}`),
    article: (slug) => at(`/articles/${encodeURIComponent(slug)}`),
    subscribe: (category) => at(category ? `/subscribe?category=${encodeURIComponent(category)}` : '/subscribe'),
    subscribeSent: at(PAGE_ROUTES.subscribeSent),
    confirmAction: at(PAGE_ROUTES.confirm),
    manage: (token, saved = false) => withToken(PAGE_ROUTES.manage, token, saved ? '&saved=1' : ''),
    manageAction: at(PAGE_ROUTES.manage),
    unsubscribe: (token) => withToken(PAGE_ROUTES.unsubscribe, token),
    embedScript: at(PAGE_ROUTES.embedScript),
    embedFrame: (slug) => at(`/embed/${encodeURIComponent(slug)}`),
    opml: at('/feeds.opml'),
  };
}
