// The newsletter page in the console: when the next scheduled send is, in TIMEZONE and in the
// console's language, counted from the (moved) clock; how many rhythm digests are due within the hour.
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';
import { addAccount, signedIn } from './console-client.js';

const nextSendOf = (html: string) => /<p id="next-cron-send">([\s\S]*?)<\/p>/.exec(html)?.[1]?.replace(/\s+/g, ' ');

describe('console newsletter page', function () {
  this.timeout(30_000);
  let service: TestService;

  afterEach(async () => {
    await service.stop({ removeData: true });
  });

  it('shows the next scheduled send as a date and time in TIMEZONE, and moves on with the clock', async () => {
    service = await startTestService({ TIMEZONE: 'Europe/Rome', NEWSLETTER_CRON: '0 8 * * *' });
    await addAccount(service, 'admin@example.org', 'admin');
    service.clock.set('2026-11-28T06:30:00Z');
    const admin = await signedIn(service, 'admin@example.org');
    assert.match(nextSendOf(await (await admin.get('/admin/newsletter')).text())!, /Prossima newsletter agli iscritti senza un ritmo proprio: <time datetime="2026-11-28T07:00:00.000Z">28 nov 2026, 08:00<\/time> \(Europe\/Rome; NEWSLETTER_CRON 0 8 \* \* \*\)/);
    service.clock.set('2026-11-28T07:00:01Z');
    assert.match(nextSendOf(await (await admin.get('/admin/newsletter')).text())!, /<time datetime="2026-11-29T07:00:00.000Z">29 nov 2026, 08:00<\/time>/);
  });

  it('says it in English in an English console, and counts the rhythm digests due within the hour', async () => {
    service = await startTestService({ TIMEZONE: 'America/New_York', NEWSLETTER_CRON: '30 17 * * 5', SITE_LANGUAGE: 'en' });
    await addAccount(service, 'admin@example.org', 'admin');
    service.clock.set('2026-11-27T13:30:00Z'); // 08:30 in New York
    const readers = [
      { email: 'nine@example.org', frequency: 'daily', hour: 9, timezone: 'America/New_York' },
      { email: 'nine-too@example.org', frequency: 'daily', hour: 9, timezone: 'America/New_York' },
      { email: 'noon@example.org', frequency: 'daily', hour: 12, timezone: 'America/New_York' },
    ];
    assert.equal((await service.request('/api/subscribers', { method: 'POST', admin: true, json: readers })).status, 200);
    const admin = await signedIn(service, 'admin@example.org');
    const html = await (await admin.get('/admin/newsletter')).text();
    assert.match(nextSendOf(html)!, /Next newsletter to subscribers without a rhythm of their own: <time datetime="2026-11-27T22:30:00.000Z">Nov 27, 2026, 5:30\s?PM<\/time>/);
    assert.match(html, /2 subscribers with a rhythm of their own are due within the hour\./);
  });
});
