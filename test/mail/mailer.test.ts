// The two transports a publisher can have: the .eml outbox (no SMTP_URL) and SMTP with DKIM.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createMailer } from '../../src/mail/mailer.js';
import { fillBody, prepareBody } from '../../src/mail/message-body.js';
import { makeDataDir, startTestService, type TestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

async function addArticleAndSubscriber(service: TestService): Promise<void> {
  const article = await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Sportello unico', contentHtml: '<p>Apre il nuovo sportello.</p>', categories: ['Salute'] } });
  assert.equal(article.status, 201);
  service.clock.advance(-60_000);
  const imported = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'lettrice@example.org', categories: ['salute'] }] });
  assert.deepEqual((await imported.json()).imported, 1);
  service.clock.advance(120_000);
}

/**
 * Checks a DKIM-Signature (relaxed/relaxed, rsa-sha256, RFC 6376 §3.4) against the message as the
 * server received it: the body hash, then the signature over the headers it lists.
 */
function verifyDkim(raw: string, publicKey: KeyObject): { signedHeaders: string[] } {
  const split = raw.indexOf('\r\n\r\n');
  const fields = raw.slice(0, split + 2).split(/\r\n(?![ \t])/).filter(Boolean);
  const body = raw.slice(split + 4);
  const relaxedHeader = (field: string) => {
    const colon = field.indexOf(':');
    return `${field.slice(0, colon).trim().toLowerCase()}:${field.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim()}`;
  };
  const signatureField = fields.find((field) => /^dkim-signature:/i.test(field))!;
  const tags = Object.fromEntries(relaxedHeader(signatureField).slice('dkim-signature:'.length).split(';').map((tag) => tag.trim()).filter(Boolean).map((tag) => [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1).replace(/\s+/g, '')]));
  assert.equal(tags.c, 'relaxed/relaxed');
  const relaxedBody = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, '')).join('\r\n').replace(/(\r\n)*$/, '\r\n');
  assert.equal(createHash('sha256').update(relaxedBody).digest('base64'), tags.bh, 'the body hash matches the body received');
  const signedHeaders = tags.h!.split(':').map((name) => name.toLowerCase());
  const used = new Set<string>();
  const lines = signedHeaders.map((name) => {
    // With repeated names the last unused instance is signed first (§5.4.2).
    const field = fields.filter((candidate) => candidate.toLowerCase().startsWith(`${name}:`) && !used.has(candidate)).at(-1);
    if (!field) return '';
    used.add(field);
    return `${relaxedHeader(field)}\r\n`;
  });
  const unsigned = relaxedHeader(signatureField).replace(/\bb=[^;]*/, 'b=');
  assert.ok(verify('sha256', Buffer.from(lines.join('') + unsigned), publicKey, Buffer.from(tags.b!, 'base64')), 'the signature verifies over the signed headers');
  return { signedHeaders };
}

describe('mail transports', () => {
  it('without SMTP_URL writes each message as an .eml file in DATA_DIR/outbox that a mail parser reads', async () => {
    const service = await startTestService();
    try {
      await addArticleAndSubscriber(service);
      const run = await (await service.request('/api/newsletter/runs', { method: 'POST', admin: true })).json();
      assert.equal(run.counts.sent, 1);
      const outbox = path.join(service.dataDir, 'outbox');
      const files = (await readdir(outbox)).filter((name) => name.endsWith('.eml'));
      assert.equal(files.length, 1, 'one message, and no temporary file left behind');
      assert.deepEqual(await readdir(outbox), files);
      const mail = await simpleParser(await readFile(path.join(outbox, files[0]!)));
      assert.equal((mail.to as { text: string }).text, 'lettrice@example.org');
      assert.match(mail.subject ?? '', /Sportello unico/);
      assert.match(mail.text ?? '', /Apre il nuovo sportello\./);
      assert.match(String(mail.html), /Sportello unico/);
    } finally {
      await service.stop({ removeData: true });
    }
  });

  it('keeps the outbox private (0700), and tightens an outbox that an older version made 0755', async () => {
    const service = await startTestService();
    const older = await makeDataDir();
    await mkdir(path.join(older, 'outbox'), { mode: 0o755 });
    const reopened = await startTestService({ DATA_DIR: older });
    try {
      for (const each of [service, reopened]) {
        await addArticleAndSubscriber(each);
        assert.equal((await (await each.request('/api/newsletter/runs', { method: 'POST', admin: true })).json()).counts.sent, 1);
        assert.equal((await stat(path.join(each.dataDir, 'outbox'))).mode & 0o777, 0o700);
      }
    } finally {
      await service.stop({ removeData: true });
      await reopened.stop({ removeData: true });
    }
  });

  it('signs with DKIM when configured: the signature verifies and covers the recipient, the Message-ID and both List-Unsubscribe headers', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(await makeDataDir(), 'dkim.pem');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const sink: SmtpSink = await startSmtpSink();
    const service = await startTestService({ SMTP_URL: sink.url, DKIM_DOMAIN: 'notiziario.example', DKIM_SELECTOR: 'nz2026', DKIM_PRIVATE_KEY_FILE: keyFile });
    try {
      await addArticleAndSubscriber(service);
      await service.request('/api/newsletter/runs', { method: 'POST', admin: true });
      const [message] = await sink.waitFor(1);
      const signature = message!.parsed.headerLines.find((line) => line.key === 'dkim-signature')?.line.replace(/\r?\n\s+/g, ' ') ?? '';
      assert.match(signature, /\bd=notiziario\.example;/);
      assert.match(signature, /\bs=nz2026;/);
      const signed = /\bh=([^;]+);/.exec(signature)![1]!.toLowerCase().split(':').map((name) => name.trim());
      assert.ok(signed.includes('list-unsubscribe'), `h= lists ${signed.join(',')}`);
      assert.ok(signed.includes('list-unsubscribe-post'), `h= lists ${signed.join(',')}`);
      const { signedHeaders } = verifyDkim(message!.raw, publicKey);
      for (const name of ['to', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post', 'subject', 'from']) assert.ok(signedHeaders.includes(name), `${name} is signed`);
    } finally {
      await service.stop({ removeData: true });
      await sink.close();
    }
  });
});

describe('erasing a subscriber', () => {
  it('deletes the messages to them kept in the .eml outbox, and leaves the others', async () => {
    const service = await startTestService();
    try {
      await addArticleAndSubscriber(service);
      const other = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'altro@example.org', categories: ['salute'] }] });
      assert.equal((await other.json()).imported, 1);
      service.clock.advance(60_000);
      await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Secondo avviso', contentHtml: '<p>Ancora.</p>', categories: ['Salute'] } });
      service.clock.advance(60_000);
      await service.request('/api/newsletter/runs', { method: 'POST', admin: true });
      const outbox = path.join(service.dataDir, 'outbox');
      const before = await readdir(outbox);
      assert.ok(before.length >= 2);

      const list = ((await (await service.request('/api/subscribers', { admin: true })).json()) as { items: { id: string; email: string }[] }).items;
      const erased = list.find((entry) => entry.email === 'lettrice@example.org')!;
      assert.equal((await service.request(`/api/subscribers/${erased.id}`, { method: 'DELETE', admin: true })).status, 204);

      const after = await readdir(outbox);
      const contents = await Promise.all(after.map((name) => readFile(path.join(outbox, name), 'utf8')));
      assert.ok(after.length >= 1, 'the other subscriber’s message stays');
      assert.ok(contents.every((text) => !text.includes('lettrice@example.org')), 'no message to the erased address is left');
      assert.ok(contents.some((text) => text.includes('altro@example.org')));
    } finally {
      await service.stop({ removeData: true });
    }
  });
});

describe('messages sent at once through the SMTP pool', () => {
  it('each reach their recipient whole, whatever their size, while refused sends fail alone', async function () {
    this.timeout(60_000);
    const sink = await startSmtpSink();
    const mailer = createMailer({ smtpUrl: sink.url, mailFrom: 'Notiziario <notizie@example.org>', dataDir: '/nonexistent' });
    try {
      // Bodies from 1 KB to 200 KB: the buffers a message is gathered into are reused and grown.
      const text = (index: number) => Array.from({ length: 10 + ((index * 37) % 120) * 25 }, (_, line) => `Riga ${line} del messaggio ${index}: è così.`).join('\n');
      const body = (index: number) => prepareBody({ parts: [text(index), ''], slots: ['name'] }, { parts: [`<p>${text(index)}`, '</p>'], slots: ['name'] });
      const refused = (index: number) => index % 7 === 3;
      sink.respondWith(([to]) => (refused(Number(/\d+/.exec(to!)![0])) ? 451 : 'accept'));
      const sends = Array.from({ length: 60 }, (_, index) =>
        mailer.send({
          to: { address: `lettore${index}@example.org` },
          subject: `Messaggio ${index}`,
          body: fillBody(body(index), { text: () => ` per ${index}`, html: () => ` per ${index}` }),
          messageId: `<m${index}@example.org>`,
        }),
      );
      const results = await Promise.allSettled(sends);
      assert.deepEqual(results.map((result) => result.status === 'rejected'), results.map((_, index) => refused(index)));
      for (let index = 0; index < 60; index++) {
        const received = sink.to(`lettore${index}@example.org`);
        if (refused(index)) assert.equal(received.length, 0);
        else assert.equal(received[0]?.parsed.text?.trim(), `${text(index)} per ${index}`.trim(), `message ${index}`);
      }
    } finally {
      mailer.close();
      await sink.close();
    }
  });
});
