// Turns a console page's data into HTML: its own nunjucks environment over templates/console,
// the signed-in account and the CSRF token in every page, dates in TIMEZONE. Every answer is
// private (index.ts sets the headers: never cached, never indexed).
import type { Response } from 'express';
import type { AppContext } from '../../context.js';
import { consoleTextFor, type ConsoleText } from '../../i18n/console.js';
import { createTemplateEnvironment } from '../../templates.js';
import { createAssetUrls } from '../pages/assets.js';
import { createPagePaths } from '../pages/page-paths.js';
import { consoleLocals } from './session.js';

/**
 * The console's sections in its navigation, in order; `admin` ones only for admins. A new part
 * of the console adds its line here and mounts its routes in index.ts.
 */
const SECTIONS = [
  { key: 'articles', path: '/articles', role: 'editor' },
  { key: 'subscribers', path: '/subscribers', role: 'admin' },
  { key: 'newsletter', path: '/newsletter', role: 'admin' },
  { key: 'sources', path: '/sources', role: 'admin' },
  { key: 'websub', path: '/websub', role: 'admin' },
  { key: 'accounts', path: '/accounts', role: 'admin' },
  { key: 'audit', path: '/audit', role: 'admin' },
] as const;

export interface ConsoleRenderer {
  text: ConsoleText;
  /** `/admin` + path, under BASE_URL's own path. */
  admin(path: string): string;
  /** Sends a console page with the no-store and noindex headers. */
  send(res: Response, template: string, data?: Record<string, unknown>, status?: number): void;
}

export function createConsoleRenderer(ctx: AppContext): ConsoleRenderer {
  const { config } = ctx;
  const text = consoleTextFor(config.siteLanguage);
  const { prefix } = createPagePaths(config.baseUrl);
  const admin = (path: string) => `${prefix}/admin${path}`;
  const templates = createTemplateEnvironment('console');
  const dateAndTime = new Intl.DateTimeFormat(config.siteLanguage, { dateStyle: 'medium', timeStyle: 'short', timeZone: config.timezone });
  templates.addFilter('datetime', (iso: string) => dateAndTime.format(new Date(iso)));
  templates.addGlobal('t', text);
  templates.addGlobal('admin', admin);
  templates.addGlobal('asset', createAssetUrls(prefix));
  templates.addGlobal('site', { title: config.siteTitle });
  templates.addGlobal('lang', config.siteLanguage);
  const labels: Record<(typeof SECTIONS)[number]['key'], string> = {
    articles: text.articles,
    subscribers: text.subscribers,
    newsletter: text.newsletterNav,
    sources: text.sources,
    websub: text.websubNav,
    accounts: text.accountsNav,
    audit: text.audit,
  };
  const sections = SECTIONS.map((section) => ({ ...section, href: admin(section.path), label: labels[section.key] }));
  templates.addGlobal('roleName', (role: string) => (role === 'admin' ? text.roleAdmin : text.roleEditor));

  return {
    text,
    admin,
    send(res, template, data = {}, status = 200) {
      const { account, csrf } = consoleLocals(res);
      res.status(status).type('html');
      const navigation = account ? sections.filter((section) => section.role === 'editor' || account.role === 'admin') : [];
      res.send(templates.render(template, { ...data, account, csrf, navigation }));
    },
  };
}
