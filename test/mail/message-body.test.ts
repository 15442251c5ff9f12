// The body encoded once per email and filled per recipient, read back by a real MIME parser.
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { fillBody, prepareBody } from '../../src/mail/message-body.js';

/** Lines of every length, so that wrapping puts dots (and runs of them) at the start of lines. */
const TEXT = Array.from({ length: 300 }, (_, i) => `${'x'.repeat(i % 90)}${'.'.repeat(1 + (i % 3))}è www.example.org/a.b.c riga ${i}`).join('\n');

describe('mail: a body encoded once and filled per recipient', () => {
  const body = prepareBody({ parts: [TEXT, ' fine.'], slots: ['name'] }, { parts: [`<p>${TEXT}`, ' fine.</p>'], slots: ['name'] });
  const filled = fillBody(body, { text: () => '.Mario', html: () => '.Mario' });

  it('has no line over 76 characters and none starting with a dot (which SMTP would have to double)', () => {
    for (const part of [filled.textPart, filled.htmlPart]) {
      const lines = Buffer.concat(part).toString('latin1').split('\r\n');
      assert.ok(lines.length > 300);
      assert.deepEqual(lines.filter((line) => line.length > 76), []);
      assert.deepEqual(lines.filter((line) => line.startsWith('.')), []);
    }
  });

  it("reads back exactly, the recipient's value included, and shares the encoded content between recipients", async () => {
    assert.equal((await simpleParser(Buffer.concat(filled.textPart))).text, `${TEXT}.Mario fine.`);
    assert.equal((await simpleParser(Buffer.concat(filled.htmlPart))).html, `<p>${TEXT}.Mario fine.</p>`);
    const other = fillBody(body, { text: () => 'Anna', html: () => 'Anna' });
    assert.equal(other.htmlPart[0], filled.htmlPart[0]);
    assert.equal((await simpleParser(Buffer.concat(other.htmlPart))).html, `<p>${TEXT}Anna fine.</p>`);
  });
});
