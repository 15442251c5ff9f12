// The sanitiser's limits, as pure functions: how deep elements may nest, and URLs that its
// scheme check would take minutes over.
import assert from 'node:assert/strict';
import { MAX_NESTING, sanitizeArticleHtml } from '../../src/domain/sanitize.js';

const nested = (tag: string, depth: number, inner = 'x') => `<${tag}>`.repeat(depth) + inner + `</${tag}>`.repeat(depth);

describe('sanitising article HTML', () => {
  describe('nesting', () => {
    it(`elements nested ${MAX_NESTING} deep are kept; one level more is refused`, () => {
      assert.equal(sanitizeArticleHtml(nested('b', MAX_NESTING)), nested('b', MAX_NESTING));
      assert.equal(sanitizeArticleHtml(nested('b', MAX_NESTING + 1)), undefined);
    });

    it('counts the depth as the parser sees it: unclosed paragraphs and list items are siblings, not nesting', () => {
      const paragraphs = '<p>paragrafo'.repeat(5 * MAX_NESTING);
      assert.equal(sanitizeArticleHtml(paragraphs), '<p>paragrafo</p>'.repeat(5 * MAX_NESTING));
      const items = `<ul>${'<li>voce'.repeat(5 * MAX_NESTING)}</ul>`;
      assert.equal(sanitizeArticleHtml(items), `<ul>${'<li>voce</li>'.repeat(5 * MAX_NESTING)}</ul>`);
    });

    it('disallowed elements count too: a deep stack of <div> is refused though none is kept', () => {
      assert.equal(sanitizeArticleHtml('<div>'.repeat(MAX_NESTING + 1)), undefined);
    });

    it('deep nesting repeated side by side is fine: depth, not size, is limited', () => {
      const html = nested('i', MAX_NESTING - 1).repeat(50);
      assert.equal(sanitizeArticleHtml(html), html);
    });
  });

  describe('URLs', () => {
    it('a link whose href is full of <!-- --> loses its href (it used to hold the event loop for a minute)', () => {
      const clean = sanitizeArticleHtml(`<a href="https://example.com/${'a<!---->'.repeat(40_000)}">x</a>`);
      assert.equal(clean, '<a rel="noopener noreferrer">x</a>');
    });

    it('an image whose src holds <!-- loses its src; ordinary URLs stay', () => {
      assert.equal(sanitizeArticleHtml('<img src="https://example.com/<!--x-->a.jpg" alt="a">'), '<img alt="a" />');
      assert.equal(sanitizeArticleHtml('<img src="https://example.com/a.jpg" alt="a">'), '<img src="https://example.com/a.jpg" alt="a" />');
    });
  });
});
