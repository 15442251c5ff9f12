// The two transports a publisher can have: the .eml outbox (no SMTP_URL) and SMTP with DKIM.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
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

  it('signs with DKIM when configured, and the signature covers both List-Unsubscribe headers', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
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
