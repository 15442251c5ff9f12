// The one place where user-supplied HTML is cleaned before it reaches a feed, a page or an email.
import sanitizeHtml from 'sanitize-html';
import { stripControlCharacters } from './text.js';

const ARTICLE_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li',
    'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark', 'abbr', 'cite', 'q',
    'a', 'img', 'figure', 'figcaption', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'hreflang', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    abbr: ['title'],
    th: ['scope', 'colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    '*': ['lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }),
  },
};

/** Article HTML with only safe tags, attributes and URL schemes left. */
export function sanitizeArticleHtml(html: string): string {
  // Stripped after sanitising: the parser turns references such as `&#1;` into the characters.
  return stripControlCharacters(sanitizeHtml(html, ARTICLE_HTML)).trim();
}

/** The text of an HTML fragment, for summaries and plain-text emails. */
export function htmlToText(html: string): string {
  // Block boundaries become line breaks, so words either side of one stay apart.
  const withBreaks = html.replace(/<\/?(p|h[1-6]|ul|ol|li|blockquote|pre|figure|figcaption|table|tr)\b[^>]*>|<br\s*\/?>/gi, '\n$&\n');
  return sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
