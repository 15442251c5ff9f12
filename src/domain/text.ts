// Plain-text helpers shared by articles, feeds and emails.
import slugifyWords from '@sindresorhus/slugify';

// C0 controls other than tab, newline and carriage return are not allowed in XML 1.0; C1
// controls are allowed but discouraged there, and no reader shows them as anything useful.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/** A stable lowercase ASCII slug: accents folded, apostrophes and spaces become dashes; `fallback` when nothing is left (emoji only). */
export function slugify(text: string, fallback = 'articolo'): string {
  return slugifyWords(text, { customReplacements: [['&', ' e ']] }) || fallback;
}

/** `base`, or the first of `base-2`, `base-3`… that is not taken. */
export function firstFreeSlug(base: string, isTaken: (slug: string) => boolean): string {
  let slug = base;
  for (let n = 2; isTaken(slug); n += 1) slug = `${base}-${n}`;
  return slug;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** The start of a text cut at a word boundary, with "…" when something was cut. */
export function summarize(text: string, maxLength = 240): string {
  const words = text.replace(/\s+/g, ' ').trim();
  if (words.length <= maxLength) return words;
  const cut = words.slice(0, maxLength + 1);
  const boundary = cut.lastIndexOf(' ');
  return `${(boundary > maxLength / 2 ? cut.slice(0, boundary) : cut.slice(0, maxLength)).replace(/[\s,;:.–-]+$/, '')}…`;
}
