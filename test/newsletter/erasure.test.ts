// Erasing a subscriber leaves their address nowhere: SMTP servers quote it in their errors, which
// the delivery record and the log would otherwise keep. Logs name a subscriber by id or by key.
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log.js';
import { addressKey } from '../../src/mail/hidden-addresses.js';
import { storedTexts } from '../helpers/database.js';
import { startTestService } from '../helpers/service.js';
import { startSmtpSink } from '../helpers/smtp.js';
import { importSubscribers, publish, runNewsletter, subscriber } from './fixtures.js';

describe('newsletter: erasing a subscriber', () => {
  it('after a 550 that quotes the address, the address is in no file of DATA_DIR, no table of the database and no log line; the log names the subscriber by id', async () => {
    const gone = 'gone.away@example.org';
    const sink = await startSmtpSink();
    sink.respondWith((rcptTo) => (rcptTo.includes(gone) ? { code: 550, text: `5.1.1 <${gone}>: Recipient address rejected` } : 'accept'));
    const logLines: string[] = [];
    const log = createLogger({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
    const service = await startTestService({ SMTP_URL: sink.url, SITE_LANGUAGE: 'en' }, { log });
    try {
      await publish(service, 'Older news', ['News']);
      await importSubscribers(service, [{ email: gone, name: 'Gone Away', categories: ['news'] }, { email: 'stays@example.org', categories: ['news'] }]);
      await publish(service, 'Fresh news', ['News']);
      const run = await runNewsletter(service);
      assert.equal(run.counts.failed, 1, 'the 550 was recorded');
      assert.equal(sink.attemptsTo(gone).length, 1);
      const { id } = subscriber(service, gone);
      const failure = logLines.find((line) => line.includes('digest not delivered'));
      assert.ok(failure?.includes(id), `the log line names the subscriber: ${failure}`);

      assert.equal((await service.request(`/api/subscribers/${id}`, { method: 'DELETE', admin: true })).status, 204);
    } finally {
      await service.stop();
      await sink.close();
    }
    const stored = await storedTexts(service.dataDir);
    assert.ok(stored.length > 0);
    for (const { where, text } of stored) assert.ok(!text.toLowerCase().includes(gone), `${where} still holds the address`);
    for (const line of logLines) assert.ok(!line.includes(gone), `a log line holds the address: ${line}`);
  });
});

describe('logging', () => {
  it('writes an address that reaches a log line (a refused confirmation email) as its key, never in clear', async () => {
    const refused = 'refused@example.org';
    const sink = await startSmtpSink();
    sink.respondWith(() => ({ code: 550, text: `5.1.1 <${refused}>: Recipient address rejected` }));
    const logLines: string[] = [];
    const log = createLogger({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
    const service = await startTestService({ SMTP_URL: sink.url }, { log });
    try {
      await publish(service, 'Older news', ['News']);
      assert.equal((await service.request('/api/subscriptions', { method: 'POST', json: { email: refused } })).status, 202);
      await service.ctx.background.idle();
    } finally {
      await service.stop({ removeData: true });
      await sink.close();
    }
    const failure = logLines.find((line) => line.includes('background task failed'));
    assert.ok(failure?.includes(`[address ${addressKey(refused)}]`), `the log line shows the key: ${failure}`);
    for (const line of logLines) assert.ok(!line.includes(refused), `a log line holds the address: ${line}`);
  });
});
