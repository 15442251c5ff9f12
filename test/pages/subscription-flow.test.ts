// A reader's whole subscription in Chromium with JavaScript disabled, against a real SMTP server
// on loopback: the form (a mistake first), the confirmation mail, its link and the button on the
// page it opens, the preference
// centre, then a digest's unsubscribe link, its button, and the one-click POST behind it.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { linkIn, mailsTo } from '../newsletter/fixtures.js';
import { launchChromium } from './browser.js';
import { startPagesService, type PagesService } from './fixture.js';

const MINUTE = 60_000;
const EMAIL = 'lucia@example.org';

describe('subscribing in Chromium without JavaScript', () => {
  let sink: SmtpSink;
  let service: PagesService;
  let browser: Browser;
  let page: Page;

  before(async () => {
    sink = await startSmtpSink();
    service = await startPagesService({ SMTP_URL: sink.url });
    browser = await launchChromium();
    page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  });

  after(async () => {
    await browser?.close();
    await service?.stop({ removeData: true });
    await sink?.close();
  });

  const subscriber = () => service.ctx.store.newsletter.subscriberByEmail(EMAIL);
  const heading = () => page.locator('h1').textContent();
  const checked = (name: string) => page.getByRole('checkbox', { name, exact: true }).isChecked();

  it('shows a mistyped address again with its error, keeping what was typed', async () => {
    await page.goto(`${service.url}/`);
    await page.getByLabel('Indirizzo email').fill('lucia@');
    await page.getByRole('checkbox', { name: 'Salute' }).check();
    await page.getByRole('button', { name: 'Iscriviti' }).click();
    assert.equal(new URL(page.url()).pathname, '/subscribe');
    const field = page.getByLabel('Indirizzo email');
    assert.equal(await field.inputValue(), 'lucia@');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match((await page.locator('#email-error').textContent())!, /Inserisci un indirizzo email valido/);
    assert.equal(await checked('Salute'), true, 'the chosen category is still chosen');
    assert.equal(sink.messages.length, 0);
  });

  it('subscribes, then confirms with the button on the page the email’s link opens', async () => {
    await page.getByLabel('Indirizzo email').fill(EMAIL);
    await page.getByRole('checkbox', { name: 'Cultura' }).check();
    await page.getByRole('button', { name: 'Iscriviti' }).click();
    assert.equal(new URL(page.url()).pathname, '/subscribe/sent');
    assert.equal(await heading(), 'Controlla la tua casella di posta');
    assert.equal(subscriber()?.status, 'pending');

    await sink.waitFor(1);
    const confirmLink = linkIn(mailsTo(sink, EMAIL)[0]!, `${service.url}/subscriptions/confirm?token=`);
    await page.goto(confirmLink);
    assert.equal(await heading(), 'Conferma l’iscrizione');
    assert.match((await page.locator('main').textContent())!, new RegExp(`${EMAIL}[^]*Cultura, Salute`));
    assert.equal(subscriber()?.status, 'pending', 'opening the link changes nothing');
    await page.getByRole('button', { name: 'Conferma l’iscrizione' }).click();
    assert.equal(await heading(), 'Iscrizione confermata');
    assert.match((await page.locator('main').textContent())!, /Cultura, Salute/);
    assert.equal(subscriber()?.status, 'confirmed');
  });

  it('changes the categories in the preference centre', async () => {
    await page.getByRole('link', { name: 'Le tue preferenze' }).click();
    assert.equal(await heading(), 'Le tue preferenze');
    assert.deepEqual([await checked('Cultura'), await checked('Salute'), await checked('Innovazione')], [true, true, false]);
    await page.getByRole('checkbox', { name: 'Cultura' }).uncheck();
    await page.getByRole('checkbox', { name: 'Innovazione' }).check();
    await page.getByRole('button', { name: 'Salva le preferenze' }).click();
    assert.equal(await page.getByRole('status').textContent(), 'Preferenze salvate.');
    assert.deepEqual([await checked('Cultura'), await checked('Salute'), await checked('Innovazione')], [false, true, true]);
    assert.deepEqual(subscriber()?.categories, ['innovazione', 'salute']);
  });

  it('unsubscribes from the link of a digest: a button first, then one POST that answers 200', async () => {
    service.clock.advance(MINUTE);
    await service.createArticle({ title: 'Vaccini antinfluenzali in farmacia', categories: ['Salute'] });
    service.clock.advance(MINUTE);
    assert.equal((await service.request('/api/newsletter/runs', { method: 'POST', admin: true })).status, 200);
    await sink.waitFor(2);
    const digest = mailsTo(sink, EMAIL).at(-1)!;
    assert.match(digest.parsed.subject ?? '', /Vaccini antinfluenzali in farmacia/);
    const unsubscribeLink = linkIn(digest, `${service.url}/subscriptions/unsubscribe?token=`);

    await page.goto(unsubscribeLink);
    assert.equal(await heading(), 'Annullare l’iscrizione?');
    assert.equal(subscriber()?.status, 'confirmed', 'opening the link changes nothing');
    const answer = page.waitForResponse((response) => response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Annulla l’iscrizione' }).click();
    assert.equal((await answer).status(), 200);
    assert.equal(page.url(), unsubscribeLink, 'no redirect');
    assert.equal(await heading(), 'Iscrizione annullata');
    assert.equal(subscriber()?.status, 'unsubscribed');
  });
});
