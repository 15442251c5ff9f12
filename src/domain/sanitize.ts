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
    a: (tagName, attribs) => ({ tagName, attribs: { ...withoutCommentedUrl(attribs, 'href'), rel: 'noopener noreferrer' } }),
    img: (tagName, attribs) => ({ tagName, attribs: withoutCommentedUrl(attribs, 'src') }),
  },
};

/**
 * The attributes without a URL that holds `<!--`. The sanitiser's URL check cuts `<!--…-->` out
 * one at a time, re-reading the whole URL each time: 32,000 of them in one href held the event
 * loop for 38 s. No working URL contains one.
 */
function withoutCommentedUrl(attribs: sanitizeHtml.Attributes, name: string): sanitizeHtml.Attributes {
  if (!attribs[name]?.includes('<!--')) return attribs;
  const { [name]: _dropped, ...rest } = attribs;
  return rest;
}

/**
 * How deep elements may nest. Articles need a handful of levels (a table in a list in a quote);
 * the parser's work per tag grows with the depth, and 100,000 nested tags held the event loop
 * for seconds.
 */
export const MAX_NESTING = 100;

const TOO_DEEP = new Error(`elements nest deeper than ${MAX_NESTING}`);

/**
 * Article HTML with only safe tags, attributes and URL schemes left; `undefined` when elements
 * nest deeper than MAX_NESTING, found before the parser's stack gets deeper than that.
 */
export function sanitizeArticleHtml(html: string): string | undefined {
  // The parser reports every element it opens and closes (implied ones too, as for `<p>a<p>b`),
  // so this depth is its stack's: the sanitiser stops at the first element too deep.
  let depth = 0;
  const countDepth: sanitizeHtml.IOptions = {
    onOpenTag: () => {
      depth += 1;
      if (depth > MAX_NESTING) throw TOO_DEEP;
    },
    onCloseTag: () => void (depth -= 1),
  };
  try {
    // Stripped after sanitising: the parser turns references such as `&#1;` into the characters.
    return stripControlCharacters(sanitizeHtml(html, { ...ARTICLE_HTML, ...countDepth })).trim();
  } catch (err) {
    if (err === TOO_DEEP) return undefined;
    throw err;
  }
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
