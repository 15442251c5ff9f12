// Emails rendered once and personalised per recipient: nunjucks writes the MJML, mjml compiles it
// (a digest is put together from its headings and articles, each compiled once: digest-pieces.ts),
// the result is cut at the template's own slots and MIME-encoded once per distinct email, and per
// recipient only the slots are filled. A slot's marker carries a random nonce of this process, so
// text from content (a title "%%MANAGE_URL%%") can never be taken for a slot.
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import mjml2html from 'mjml';
import type { ArticleRecord, Category } from '../domain/article.js';
import type { DigestKind } from '../domain/cadence.js';
import type { DigestSection } from '../domain/newsletter.js';
import { escapeHtml } from '../domain/text.js';
import { articleUrl, scopePath } from '../feeds/feed-urls.js';
import { EMAIL_TEXT, type EmailText } from '../i18n/email.js';
import { formatDate, languageOf } from '../i18n/locale.js';
import { fillBody, prepareBody, type MessageBody, type PreparedBody, type SlottedText } from '../mail/message-body.js';
import { createKeyedQueue } from '../store/keyed-queue.js';
import { createTemplateEnvironment } from '../templates.js';
import { DigestPieces } from './digest-pieces.js';

export interface Recipient {
  greeting?: string;
  confirmUrl?: string;
  manageUrl?: string;
  unsubscribeUrl?: string;
}

export type Slot = keyof Recipient;

/** An email cut at its slots, where each recipient's values go; `body` is its MIME encoding. */
export interface EmailTemplate {
  subject: string;
  html: SlottedText<Slot>;
  text: SlottedText<Slot>;
  body: PreparedBody<Slot>;
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
  /** MJML compiles since start: one per digest that brings a heading or an article no earlier one had. */
  readonly compiles: number;
}

const SLOTS: readonly Slot[] = ['greeting', 'confirmUrl', 'manageUrl', 'unsubscribeUrl'];
const MAX_CACHED_EMAILS = 500;

/** One recipient's email as text, for the preview and for reading in tests. */
export function personalize(template: EmailTemplate, recipient: Recipient): { subject: string; html: string; text: string } {
  return { subject: template.subject, html: fillSlots(template.html, htmlValues(recipient)), text: fillSlots(template.text, textValues(recipient)) };
}

/** Text cut at its slots, whole again with each slot's value. */
function fillSlots<Name extends string>({ parts, slots }: SlottedText<Name>, value: (slot: Name) => string): string {
  return parts.reduce((filled, part, i) => filled + value(slots[i - 1]!) + part);
}

/** One recipient's message body, MIME-encoded: only the slots' values are encoded here. */
export function personalizeMessage(template: EmailTemplate, recipient: Recipient): { subject: string; body: MessageBody } {
  return { subject: template.subject, body: fillBody(template.body, { text: textValues(recipient), html: htmlValues(recipient) }) };
}

const textValues = (recipient: Recipient) => (slot: Slot) => recipient[slot] ?? '';
const htmlValues = (recipient: Recipient) => (slot: Slot) => escapeHtml(recipient[slot] ?? '');

/** Markers for one renderer: unguessable, and plain enough to pass through nunjucks and MJML untouched. */
function createMarkers<Name extends string>(names: readonly Name[]) {
  const nonce = randomBytes(16).toString('hex');
  const pattern = new RegExp(`%%${nonce}:(${names.join('|')})%%`);
  const marker = Object.fromEntries(names.map((name) => [name, `%%${nonce}:${name}%%`])) as Record<Name, string>;
  /** Cuts rendered text at the markers (once per email). */
  const cut = (text: string): SlottedText<Name> => {
    const pieces = text.split(pattern);
    return { parts: pieces.filter((_, i) => i % 2 === 0), slots: pieces.filter((_, i) => i % 2 === 1) as Name[] };
  };
  return { marker, cut };
}

/** The words of a digest that are its own, in the frame every digest shares (see digest-pieces.ts). */
const FRAME_SLOTS = ['title', 'preview', 'intro'] as const;

/** Builds the renderer and checks every template strictly, so a broken template stops the start. */
export async function createEmailRenderer(site: EmailSite): Promise<EmailRenderer> {
  const templates = createTemplateEnvironment('email');
  const text = EMAIL_TEXT[languageOf(site.language)];
  const cache = new Map<string, Promise<EmailTemplate>>();
  const slots = createMarkers(SLOTS);
  const frameSlots = createMarkers(FRAME_SLOTS);
  let compiles = 0;

  /**
   * A compile holds the event loop for tens of milliseconds and MJML's promise settles without a
   * turn of it: a run's first sends, each wanting another digest, held it 200–460 ms in a row.
   * So compiles go one at a time, each in a turn of its own.
   */
  const oneAtATime = createKeyedQueue();
  const compile = (template: string, data: object) => oneAtATime('compile', () => compileInTurn(template, data));

  async function compileInTurn(template: string, data: object): Promise<string> {
    await yieldToEventLoop();
    compiles += 1;
    const mjml = templates.render(template, { lang: site.language, siteTitle: site.title, siteUrl: `${site.baseUrl}/`, slot: slots.marker, ...data });
    return withoutIndentation((await mjml2html(mjml, { validationLevel: 'strict' })).html);
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
    const plain = [text.confirmTitle, '', text.confirmIntro(site.title, names), '', `${text.confirmButton}: ${slots.marker.confirmUrl}`, '', text.confirmExpiry, text.confirmIgnore, ''];
    return slotted(text.confirmSubject(site.title), html, plain.join('\n'));
  }

  async function renderDigest(sections: DigestSection[], kind?: DigestKind): Promise<EmailTemplate> {
    const view = digestView(site, text, sections, kind);
    const html = fillSlots(frameSlots.cut(await pieces.html({ ...view, ...frameSlots.marker })), (name) => escapeHtml(view[name]));
    return slotted(view.subject, html, digestText(view, text, slots.marker));
  }

  function slotted(subject: string, html: string, plain: string): EmailTemplate {
    const template = { subject, html: slots.cut(html), text: slots.cut(plain) };
    return { ...template, body: prepareBody(template.text, template.html) };
  }

  // Checked at start with sample content: strict validation throws on a template error.
  await renderConfirmation('Sample');
  const pieces = await DigestPieces.create((view: DigestView) => compile('digest.mjml.njk', view), { ...digestView(site, text, sampleSections()), ...frameSlots.marker });
  compiles = 0;
  return renderer;
}

type DigestView = ReturnType<typeof digestView>;

/** A digest with an article with a picture and one without: its frame styles both layouts. */
function sampleSections(): DigestSection[] {
  const article = (slug: string, imageUrl?: string): ArticleRecord => ({
    id: slug,
    slug,
    title: 'Sample',
    summary: 'Sample.',
    contentHtml: '',
    author: '',
    categories: ['sample'],
    ...(imageUrl ? { imageUrl } : {}),
    publishedAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    status: 'published',
  });
  return [{ category: { slug: 'sample', name: 'Sample' }, articles: [article('with-picture', 'https://example.org/sample.jpg'), article('without-picture')] }];
}

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

function digestText(view: DigestView, text: EmailText, slot: Record<Slot, string>): string {
  const lines = [slot.greeting, view.intro, ''];
  for (const section of view.sections) {
    lines.push(section.name.toUpperCase(), '-'.repeat(section.name.length), '');
    for (const article of section.articles) lines.push(`* ${article.title}`, `  ${article.date}`, `  ${article.summary}`, `  ${article.url}`, '');
  }
  lines.push('--', view.why, `${text.manage}: ${slot.manageUrl}`, `${text.unsubscribe}: ${slot.unsubscribeUrl}`, '');
  return lines.join('\n');
}

/**
 * MJML indents what it writes and leaves blank lines: a quarter of a digest's bytes (88 KB → 66
 * KB for 18 articles), mailed to every subscriber, and further below the 102 KB at which Gmail
 * clips a message. Spaces, tabs and blank lines after a line break are whitespace next to it,
 * which HTML renders the same, outside `<pre>` and `white-space: pre` (which the email templates
 * do not use). htmlnano (MJML's `minify`) saves about as much for 50 ms more per compile.
 */
function withoutIndentation(html: string): string {
  return html.replace(/\n[\t\n ]+/g, '\n');
}
