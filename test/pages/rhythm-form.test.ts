// Choosing when the emails come, in Chromium: without JavaScript the form offers the site's zone
// and works; with JavaScript it pre-selects the browser's zone under the pages' strict CSP; a
// wrong value shows its error next to its field; the preference centre changes the rhythm.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { subscriberLinks } from '../../src/newsletter/subscriptions.js';
import { launchChromium, seriousViolations } from './browser.js';
import { startPagesService, type PagesService } from './fixture.js';

describe('pages: choosing when the emails come', function () {
  this.timeout(60_000);
  let service: PagesService;
  let browser: Browser;

  before(async () => {
    service = await startPagesService({ NEWSLETTER_CRON: '0 7 * * *' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await service?.stop({ removeData: true });
  });

  const selected = (page: import('playwright-core').Page, label: string) => page.getByLabel(label, { exact: true }).inputValue();

  it('without JavaScript: the site’s zone and NEWSLETTER_CRON’s hour are offered, and a weekly choice is saved', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false, timezoneId: 'Asia/Kolkata' })).newPage();
    await page.goto(`${service.url}/subscribe`);
    assert.equal(await selected(page, 'Fuso orario'), 'Europe/Rome');
    assert.equal(await selected(page, 'Ora'), '7');
    assert.equal(await page.getByRole('radio', { name: 'Una volta al giorno' }).isChecked(), true);
    assert.equal(await page.locator('optgroup[label="Europa"] option[value="Europe/Rome"]').textContent(), 'Rome');
    await page.getByLabel('Indirizzo email').fill('settimanale@example.org');
    await page.getByRole('radio', { name: 'Una volta alla settimana' }).check();
    await page.getByLabel('Giorno della settimana').selectOption({ label: 'venerdì' });
    await page.getByLabel('Ora', { exact: true }).selectOption('18');
    await page.getByLabel('Fuso orario').selectOption('America/New_York');
    await page.getByRole('button', { name: 'Iscriviti' }).click();
    assert.equal(new URL(page.url()).pathname, '/subscribe/sent');
    await service.ctx.background.idle();
    const saved = service.ctx.store.newsletter.subscriberByEmail('settimanale@example.org');
    assert.deepEqual(saved?.rhythm, { frequency: 'weekly', hour: 18, weekday: 5, timezone: 'America/New_York' });
  });

  it('with JavaScript: the browser’s zone is pre-selected, by our own script file (no inline script, no CSP violation)', async () => {
    const page = await (await browser.newContext({ timezoneId: 'Asia/Kolkata' })).newPage();
    const refused: string[] = [];
    page.on('console', (message) => void (/Content Security Policy/i.test(message.text()) && refused.push(message.text())));
    const res = await page.goto(`${service.url}/subscribe`);
    assert.doesNotMatch(res!.headers()['content-security-policy']!, /unsafe-inline/);
    await page.waitForFunction(() => (document.getElementById('timezone') as HTMLSelectElement).value === 'Asia/Kolkata');
    assert.equal(await page.locator('script:not([src])').count(), 0);
    assert.deepEqual(refused, []);
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('a value that is not offered (a crafted POST) comes back with its error next to the field', async () => {
    const body = new URLSearchParams({ email: 'ora@example.org', frequency: 'daily', hour: '25', timezone: 'Mars/Olympus' }).toString();
    const res = await service.page('/subscribe', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /<p class="field-error" id="hour-error">.*Scegli tra le opzioni elencate<\/p>/);
    assert.match(html, /<p class="field-error" id="timezone-error">.*Scegli tra le opzioni elencate<\/p>/);
    assert.match(html, /<select class="input" id="hour" name="hour" aria-describedby="hour-hint hour-error" aria-invalid="true">/);
    assert.doesNotMatch(html, /id="email-error"/);
  });

  it('the preference centre: a subscriber who never chose keeps the site’s newsletter until they choose a rhythm', async () => {
    const res = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'vecchio@example.org' }] });
    assert.equal(res.status, 200);
    const { id } = service.ctx.store.newsletter.subscriberByEmail('vecchio@example.org')!;
    // On a phone, as readers open the link from their mail.
    const page = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, isMobile: true })).newPage();
    await page.goto(subscriberLinks(service.ctx, id).manageUrl);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, 'no sideways scrolling at 360 px');
    assert.equal(await page.getByRole('radio', { name: 'Come ora, con la newsletter del sito' }).isChecked(), true);
    await page.getByRole('checkbox', { name: 'Salute' }).check();
    await page.getByRole('button', { name: 'Salva' }).click();
    assert.equal(service.ctx.store.newsletter.subscriberById(id)?.rhythm, undefined, 'saving categories alone chooses no rhythm');
    await page.getByRole('radio', { name: /Appena esce un articolo/ }).check();
    await page.getByRole('button', { name: 'Salva' }).click();
    assert.equal(service.ctx.store.newsletter.subscriberById(id)?.rhythm?.frequency, 'immediate');
    assert.equal(await page.getByRole('radio', { name: /Appena esce un articolo/ }).isChecked(), true);
    assert.equal(await page.getByRole('radio', { name: 'Come ora, con la newsletter del sito' }).count(), 0, 'once chosen, the site’s newsletter is no longer offered');
  });
});
