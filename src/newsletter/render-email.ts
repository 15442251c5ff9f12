// Emails rendered once and personalised per recipient: nunjucks writes the MJML, mjml compiles it
// (once per distinct digest), and per-recipient values fill placeholders in the compiled HTML.
import mjml2html from 'mjml';
import type { Category } from '../domain/article.js';
import type { DigestKind } from '../domain/cadence.js';
import type { DigestSection } from '../domain/newsletter.js';
import { htmlToText } from '../domain/sanitize.js';
import { escapeHtml } from '../domain/text.js';
import { articleUrl, scopePath } from '../feeds/feed-urls.js';
import { EMAIL_TEXT, type EmailText } from '../i18n/email.js';
import { formatDate, languageOf } from '../i18n/locale.js';
import { createTemplateEnvironment } from '../templates.js';

/** An email with %%PLACEHOLDERS%% where each recipient's values go. */
export interface EmailTemplate {
  subject: string;
  html: string;
  text: string;
}

export interface Recipient {
  greeting?: string;
  confirmUrl?: string;
  manageUrl?: string;
  unsubscribeUrl?: string;
}

export interface EmailSite {
  baseUrl: string;
  title: string;
  language: string;
  timezone: string;
}

export interface EmailRenderer {
  confirmation(categories: Category[]): Promise<EmailTemplate>;
  /** `kind`: a rhythm's digest, which its subject and intro name; absent: the site's usual one. */
  digest(sections: DigestSection[], kind?: DigestKind): Promise<EmailTemplate>;
  /** MJML compiles since start: one per distinct digest, not one per recipient. */
  readonly compiles: number;
}

const PLACEHOLDERS: Record<keyof Recipient, string> = {
  greeting: '%%GREETING%%',
  confirmUrl: '%%CONFIRM_URL%%',
  manageUrl: '%%MANAGE_URL%%',
  unsubscribeUrl: '%%UNSUBSCRIBE_URL%%',
};
const MAX_CACHED_EMAILS = 500;
const KEY_OF_PLACEHOLDER = new Map(Object.entries(PLACEHOLDERS).map(([key, placeholder]) => [placeholder, key as keyof Recipient]));
const PLACEHOLDER_PATTERN = new RegExp(`(${Object.values(PLACEHOLDERS).join('|')})`);

/** A template cut at its placeholders once (odd parts are placeholders), reused for every recipient. */
const cutTemplates = new WeakMap<EmailTemplate, { html: string[]; text: string[] }>();

/** Fills one recipient's values into a rendered email (HTML-escaped in the HTML part). */
export function personalize(template: EmailTemplate, recipient: Recipient): EmailTemplate {
  let cut = cutTemplates.get(template);
  if (!cut) cutTemplates.set(template, (cut = { html: template.html.split(PLACEHOLDER_PATTERN), text: template.text.split(PLACEHOLDER_PATTERN) }));
  const fill = (parts: string[], escape: (value: string) => string) =>
    parts.map((part, index) => (index % 2 ? escape(recipient[KEY_OF_PLACEHOLDER.get(part)!] ?? '') : part)).join('');
  return { subject: template.subject, html: fill(cut.html, escapeHtml), text: fill(cut.text, (value) => value) };
}

/** Builds the renderer and checks every template strictly, so a broken template stops the start. */
export async function createEmailRenderer(site: EmailSite): Promise<EmailRenderer> {
  const templates = createTemplateEnvironment('email');
  const text = EMAIL_TEXT[languageOf(site.language)];
  const cache = new Map<string, Promise<EmailTemplate>>();
  let compiles = 0;

  async function compile(template: string, data: object): Promise<string> {
    compiles += 1;
    const mjml = templates.render(template, { lang: site.language, siteTitle: site.title, siteUrl: `${site.baseUrl}/`, ...data });
    return (await mjml2html(mjml, { validationLevel: 'strict' })).html;
  }

  /** One compile per distinct email: later requests for the same content share it. */
  function once(key: string, render: () => Promise<EmailTemplate>): Promise<EmailTemplate> {
    let rendered = cache.get(key);
    if (!rendered) {
      if (cache.size >= MAX_CACHED_EMAILS) cache.clear();
      rendered = render();
      cache.set(key, rendered);
      rendered.catch(() => cache.delete(key));
    }
    return rendered;
  }

  const renderer: EmailRenderer = {
    confirmation(categories) {
      const names = categories.map((category) => category.name).join(', ');
      return once(`confirm:${names}`, () => renderConfirmation(names));
    },
    digest(sections, kind) {
      const key = JSON.stringify([kind, sections.map((s) => [s.category.slug, s.articles.map((a) => `${a.id}@${a.updatedAt}`)])]);
      return once(`digest:${key}`, () => renderDigest(sections, kind));
    },
    get compiles() {
      return compiles;
    },
  };

  async function renderConfirmation(names: string): Promise<EmailTemplate> {
    const html = await compile('confirm.mjml.njk', {
      title: text.confirmTitle,
      preview: text.confirmIntro(site.title, names),
      heading: text.confirmTitle,
      intro: text.confirmIntro(site.title, names),
      button: text.confirmButton,
      expiry: text.confirmExpiry,
      ignore: text.confirmIgnore,
    });
    const plain = [text.confirmTitle, '', text.confirmIntro(site.title, names), '', `${text.confirmButton}: ${PLACEHOLDERS.confirmUrl}`, '', text.confirmExpiry, text.confirmIgnore, ''];
    return { subject: text.confirmSubject(site.title), html, text: plain.join('\n') };
  }

  async function renderDigest(sections: DigestSection[], kind?: DigestKind): Promise<EmailTemplate> {
    const view = digestView(site, text, sections, kind);
    const html = await compile('digest.mjml.njk', view);
    return { subject: view.subject, html, text: digestText(view, text) };
  }

  // Checked at start with sample content: strict validation throws on a template error.
  await renderConfirmation('Sample');
  await renderDigest([{ category: { slug: 'sample', name: 'Sample' }, articles: [] }]);
  compiles = 0;
  return renderer;
}

type DigestView = ReturnType<typeof digestView>;

function digestView(site: EmailSite, text: EmailText, sections: DigestSection[], kind?: DigestKind) {
  const count = sections.reduce((sum, section) => sum + section.articles.length, 0);
  const first = sections[0]?.articles[0]?.title ?? '';
  const names = sections.map((section) => section.category.name).join(', ');
  const subject = kind ? `${site.title}: ${text.digestName(kind, names)}` : text.digestSubject(site.title, count, first);
  return {
    subject,
    title: subject,
    preview: sections.flatMap((section) => section.articles.map((article) => article.title)).join(' · '),
    intro: kind ? text.rhythmIntro(kind, count, names) : text.digestIntro(count),
    readMore: text.readMore,
    why: text.whyReceiving(site.title),
    manage: text.manage,
    unsubscribe: text.unsubscribe,
    sections: sections.map((section) => ({
      name: section.category.name,
      url: site.baseUrl + scopePath(section.category.slug),
      articles: section.articles.map((article) => ({
        title: article.title,
        summary: article.summary,
        url: articleUrl(site.baseUrl, article.slug),
        imageUrl: article.imageUrl,
        date: formatDate(article.publishedAt, site.language, site.timezone),
      })),
    })),
  };
}

function digestText(view: DigestView, text: EmailText): string {
  const lines = [PLACEHOLDERS.greeting, view.intro, ''];
  for (const section of view.sections) {
    lines.push(section.name.toUpperCase(), '-'.repeat(section.name.length), '');
    for (const article of section.articles) lines.push(`* ${article.title}`, `  ${article.date}`, `  ${htmlToText(article.summary)}`, `  ${article.url}`, '');
  }
  lines.push('--', view.why, `${text.manage}: ${PLACEHOLDERS.manageUrl}`, `${text.unsubscribe}: ${PLACEHOLDERS.unsubscribeUrl}`, '');
  return lines.join('\n');
}
