// A newsletter file of version 2 (before rhythms) opens as version 3: its subscribers have no
// rhythm, so they keep following NEWSLETTER_CRON in TIMEZONE, and the minute tick leaves them be.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NEWSLETTER_SNAPSHOT } from '../../src/store/schema.js';
import { makeDataDir, startTestService } from '../helpers/service.js';
import { startSmtpSink } from '../helpers/smtp.js';

describe('store: the newsletter file before rhythms (version 2)', () => {
  it('opens as version 3; its subscribers keep the site’s schedule', async () => {
    const dir = await makeDataDir();
    const subscriber = {
      id: '5d0c3b8e-7a51-4c69-9b1f-0e3d2c1b4a59',
      email: 'prima@example.org',
      categories: [],
      status: 'confirmed',
      source: 'import',
      createdAt: '2026-05-01T00:00:00.000Z',
      confirmedAt: '2026-05-01T00:00:00.000Z',
      watermark: '2026-05-01T00:00:00.000Z',
      failures: 0,
    };
    await writeFile(path.join(dir, NEWSLETTER_SNAPSHOT.file), JSON.stringify({ schemaVersion: 2, subscribers: [subscriber], runs: [] }));
    const sink = await startSmtpSink();
    const service = await startTestService({ DATA_DIR: dir, SMTP_URL: sink.url });
    try {
      const stored = JSON.parse(await readFile(path.join(dir, NEWSLETTER_SNAPSHOT.file), 'utf8')) as { schemaVersion: number };
      assert.equal(stored.schemaVersion, 3);
      assert.equal(service.ctx.store.newsletter.subscriberById(subscriber.id)?.rhythm, undefined);
      service.clock.set('2026-05-04T08:00:00Z');
      const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Nuovo', categories: ['Salute'], contentHtml: '<p>Testo.</p>' } });
      assert.equal(res.status, 201);
      service.clock.set('2026-05-05T08:00:00Z');
      assert.equal(await service.ctx.newsletter.sendDue(), undefined, 'the minute tick: not theirs');
      assert.equal(sink.messages.length, 0);
      assert.equal((await service.ctx.newsletter.run('schedule')).counts.sent, 1, 'NEWSLETTER_CRON’s run: theirs');
      assert.deepEqual(sink.messages.map((mail) => mail.rcptTo[0]), ['prima@example.org']);
    } finally {
      await service.stop({ removeData: true });
      await sink.close();
    }
  });
});
