// Validation messages in Italian: every message the console's article and source forms can give
// has an Italian wording, with its numbers and quoted names carried over.
import assert from 'node:assert/strict';
import { cleanContent, createArticleSchema } from '../../src/domain/article-input.js';
import { MAX_NESTING } from '../../src/domain/sanitize.js';
import { newSourceSchema } from '../../src/http/routes/sources.js';
import { italianFieldMessage } from '../../src/i18n/field-messages.js';
import type { z } from 'zod';

const messagesOf = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];

describe('field messages in Italian', () => {
  it('carries numbers and quoted names over into the Italian wording', () => {
    assert.equal(italianFieldMessage('must be at most 300 characters'), 'deve avere al massimo 300 caratteri');
    assert.equal(italianFieldMessage('no other article has the slug "festa-2026"'), 'nessun altro articolo ha lo slug "festa-2026"');
    assert.equal(italianFieldMessage('a message nobody has translated'), 'a message nobody has translated');
  });

  it('has a wording for every message of the article and source forms', () => {
    const messages = [
      ...messagesOf(createArticleSchema, { title: '', contentHtml: '', summary: ' ', categories: ['<b>'], imageUrl: 'ftp://example.org/x.png', related: ['Non Slug'] }),
      ...messagesOf(createArticleSchema, { title: 'x'.repeat(301), contentHtml: 'x'.repeat(200_001), summary: 'x'.repeat(1001), categories: Array(13).fill('Sport'), related: Array(11).fill('slug') }),
      ...messagesOf(newSourceSchema, { url: 'example.org', categories: ['x'.repeat(61), '<i>'], intervalMinutes: 1 }),
      ...messagesOf(newSourceSchema, { url: 'https://example.org/feed', categories: Array(13).fill('Sport'), intervalMinutes: 2.5 }),
      ...messagesOf(newSourceSchema, { url: 'https://example.org/feed', intervalMinutes: Number('dieci') }),
      ...messagesOf(newSourceSchema, { url: 'https://example.org/feed', intervalMinutes: 5000 }),
      ...[cleanContent('<p><script>alert(1)</script></p>'), cleanContent('<div>'.repeat(MAX_NESTING + 1) + 'x')].map((result) => ('refused' in result ? result.refused : '')),
    ];
    const untranslated = [...new Set(messages)].filter((message) => italianFieldMessage(message) === message);
    assert.deepEqual(untranslated, []);
  });
});
