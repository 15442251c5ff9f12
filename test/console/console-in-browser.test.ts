// The console in Chromium: an editor signs in and schedules an article with the keyboard alone,
// every console page passes axe-core (light and dark), and the pages fit a phone.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount } from '../../src/console/accounts.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { feedWithEtag, fixture, startUpstream, type Upstream } from '../helpers/upstream.js';
import { launchChromium, seriousViolations } from '../pages/browser.js';
import { startPagesService, type PagesService } from '../pages/fixture.js';
import { pngOf } from '../helpers/pictures.js';
import { addAccount, PASSWORD } from './console-client.js';

describe('console in Chromium', function () {
  this.timeout(120_000); // a browser on two shared cores
  let service: PagesService;
  let browser: Browser;
  let sink: SmtpSink;
  let upstream: Upstream;

  before(async () => {
    sink = await startSmtpSink();
    upstream = await startUpstream();
    upstream.set('/feed.xml', feedWithEtag(fixture('wordpress.xml')));
    service = await startPagesService({ SMTP_URL: sink.url, ALLOW_PRIVATE_NETWORKS: 'true' });
    await addAccount(service, 'admin@example.org', 'admin');
    await addAccount(service, 'editor@example.org', 'editor');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await service?.stop({ removeData: true });
    await sink?.close();
    await upstream?.close();
  });

  async function signIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${service.url}/admin`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.waitForURL(/\/admin\/articles$/);
    return page;
  }

  it('lets an editor write and schedule an article with a heading, bold text, a link, a list and an uploaded picture in the rich editor, a known and a new category and a related article found by title; it appears in the feed and pages when due', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'editor@example.org');
    await page.getByRole('link', { name: 'Nuovo articolo' }).click();
    // The rich editor is built by a script: on a busy machine, after the page's load.
    await page.locator('.rich-editor [contenteditable="true"]').waitFor();
    await page.getByLabel('Titolo', { exact: true }).fill('Concerto in piazza');
    await page.keyboard.press('Tab');
    await page.keyboard.type('La banda suona sabato.');
    // The toolbar is one tab stop; the arrows walk its buttons, Enter presses one.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Titolo di sezione');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Programma');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Biglietti sul sito');
    for (let step = 0; step < 4; step++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Control+b');
    page.once('dialog', (dialog) => void dialog.accept('https://example.org/biglietti'));
    await page.keyboard.press('Shift+Tab');
    for (let step = 0; step < 4; step++) await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Link');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Elenco puntato' }).click();
    // The button hands the focus back to the text; on a busy machine, keys typed before that are lost.
    await page.locator('.rich-editor [contenteditable="true"]:focus').waitFor();
    await page.keyboard.type('andata');
    await page.keyboard.press('Enter');
    await page.keyboard.type('ritorno');
    await page.getByLabel('Cultura', { exact: true }).check();
    await page.getByLabel('Nuove categorie').fill('Concerti');
    await page.getByLabel('Cerca un articolo da collegare').fill('certificati');
    await page.getByRole('button', { name: /^Aggiungi «Certificati di malattia/ }).click();
    await page.getByLabel("Oppure carica un'immagine").setInputFiles({ name: 'piazza.png', mimeType: 'image/png', buffer: pngOf(320, 200) });
    await page.getByLabel(/Data e ora di pubblicazione/).fill('2026-11-28T18:00');
    await page.getByRole('button', { name: 'Pubblica' }).press('Enter');
    await page.waitForURL(/saved=1/);
    assert.match((await page.locator('main').textContent())!, /Stato: programmato/);

    const article = service.ctx.store.articles.all().find((candidate) => candidate.title === 'Concerto in piazza')!;
    const certificates = service.ctx.store.articles.all().find((candidate) => candidate.title.startsWith('Certificati di malattia'))!;
    assert.deepEqual(article.related, [certificates.slug]);
    assert.deepEqual(service.ctx.store.articles.categoriesOf(article.categories).map((category) => category.name), ['Cultura', 'Concerti']);
    assert.equal(article.contentHtml, '<h2>Programma</h2><p>Biglietti sul <a rel="noopener noreferrer" href="https://example.org/biglietti"><strong>sito</strong></a></p><ul><li><p>andata</p></li><li><p>ritorno</p></li></ul>');
    assert.equal(article.publishedAt, '2026-11-28T17:00:00.000Z', '18:00 in Europe/Rome');
    assert.equal((await service.page(`/articles/${article.slug}`)).status, 404);
    service.clock.set('2026-11-28T17:00:01Z');
    const reader = await context.newPage();
    await reader.goto(`${service.url}/articles/${article.slug}`);
    assert.equal(await reader.locator('.content h2').textContent(), 'Programma');
    assert.equal(await reader.locator('.content a').getAttribute('href'), 'https://example.org/biglietti');
    const picture = reader.locator('.article__figure img');
    assert.match((await picture.getAttribute('src'))!, /\/media\/[\w-]+\.png$/);
    assert.equal(await picture.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth), 320, 'the uploaded picture loads');
    assert.match(await (await service.request('/categories/cultura/atom.xml')).text(), /Concerto in piazza/);
    await context.close();
  });

  it('sends the newsletter now after a question, and shows the run\'s progress live and then its counts', async () => {
    const emails = ['uno', 'due', 'tre', 'quattro', 'cinque', 'sei'].map((name) => `${name}@example.org`);
    assert.equal((await service.request('/api/subscribers', { method: 'POST', admin: true, json: emails.map((email) => ({ email })) })).status, 200);
    service.clock.advance(60_000);
    await service.createArticle({ title: 'Novità per la newsletter', categories: ['Salute'] });
    // The first answers wait until the page has shown the run under way, whatever the machine's load.
    sink.setDelay(8000);
    const context = await browser.newContext();
    const page = await signIn(context, 'admin@example.org');
    await page.getByRole('link', { name: 'Newsletter', exact: true }).click();
    await page.getByRole('link', { name: 'Invia ora' }).click();
    assert.match((await page.locator('main').textContent())!, /Inviare ora la newsletter/);
    assert.equal(service.ctx.store.newsletter.runs().length, 0, 'asking sends nothing');
    await page.getByRole('button', { name: 'Sì, invia ora' }).click();
    await page.waitForURL(/\/admin\/newsletter\/runs\//);
    const status = page.locator('[data-field="status"]');
    assert.equal(await status.textContent(), 'in corso');
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    sink.setDelay(0);
    await status.filter({ hasText: 'concluso' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'updated in place, not by reloading');
    assert.equal(await page.locator('[data-field="sent"]').textContent(), '6');
    assert.equal(await page.locator('[data-field="failed"]').textContent(), '0');
    for (const email of emails) assert.equal(sink.to(email).length, 1, email);
    assert.ok(service.ctx.store.accounts.auditEntries(0, 5).some((entry) => entry.action === 'newsletter-sent' && entry.actor === 'admin@example.org'));
    await context.close();
  });

  it('signs a disabled editor out on their next page, and refuses their sign-in with a clear message', async () => {
    await addAccount(service, 'redattrice@example.org', 'editor');
    const editorContext = await browser.newContext();
    const editorPage = await signIn(editorContext, 'redattrice@example.org');
    const adminContext = await browser.newContext();
    const adminPage = await signIn(adminContext, 'admin@example.org');
    await adminPage.getByRole('link', { name: 'Account' }).click();
    await adminPage.getByRole('button', { name: 'Disattiva · redattrice@example.org' }).click();
    await adminPage.getByText("L'account è disattivato: è uscito da ogni browser e non può accedere.").waitFor();
    await editorPage.reload();
    assert.match(editorPage.url(), /\/admin\/sign-in\?next=/);
    await editorPage.getByLabel('Email').fill('redattrice@example.org');
    await editorPage.getByLabel('Password').fill(PASSWORD);
    await editorPage.getByRole('button', { name: 'Accedi' }).click();
    await editorPage.getByText('Questo account è disattivato: chiedi a un amministratore di riattivarlo.').waitFor();
    assert.match(editorPage.url(), /\/admin\/sign-in$/);
    await adminContext.close();
    await editorContext.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious accessibility violation on any console page, in the ${colorScheme} colour scheme`, async () => {
      const { link } = await createAccount(service.ctx, 'test', `nuovo-${colorScheme}@example.org`, 'editor');
      const anonymous = await browser.newContext({ colorScheme });
      const context = await browser.newContext({ colorScheme });
      const page = await signIn(context, 'admin@example.org');
      const article = service.ctx.store.articles.all()[0]!;
      const readers = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: `lettrice-${colorScheme}@example.org` }] });
      const reader = service.ctx.store.newsletter.subscriberByEmail(`lettrice-${colorScheme}@example.org`)!;
      assert.equal(readers.status, 200);
      // The sources page with a source in its table (added once, by the first colour scheme).
      if (!service.ctx.store.sources.all().length) await service.ctx.ingest.add({ url: `${upstream.url}/feed.xml` });
      const runs = service.ctx.store.newsletter.runs();
      const paths = [
        '/admin/subscribers?q=lettrice',
        '/admin/subscribers/import',
        `/admin/subscribers/${reader.id}/erase`,
        '/admin/newsletter',
        '/admin/newsletter/send',
        '/admin/websub',
        '/admin/sources',
        ...(runs.length ? [`/admin/newsletter/runs/${runs[0]!.id}`] : []),
        '/admin/articles', '/admin/articles?status=draft&q=zzz', '/admin/articles/new', `/admin/articles/${article.id}`, `/admin/articles/${article.id}/delete`, `/admin/articles/${article.id}/preview`, '/admin/accounts', '/admin/audit'];
      const problems: string[] = [];
      for (const path of paths) {
        await page.goto(service.url + path);
        problems.push(...(await seriousViolations(page)));
      }
      const outside = await anonymous.newPage();
      for (const url of [`${service.url}/admin/sign-in`, link, `${service.url}/admin/set-password?token=expired`]) {
        await outside.goto(url);
        problems.push(...(await seriousViolations(outside)));
      }
      assert.deepEqual(problems, []);
      await anonymous.close();
      await context.close();
    });
  }

  it('fits a 360-pixel phone screen without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await signIn(phone, 'admin@example.org');
    const article = service.ctx.store.articles.all()[0]!;
    for (const path of ['/admin/articles', '/admin/articles/new', `/admin/articles/${article.id}`, '/admin/subscribers', '/admin/subscribers/import', '/admin/newsletter', '/admin/sources', '/admin/websub', '/admin/accounts', '/admin/audit']) {
      await page.goto(service.url + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `${path} is ${overflow}px wider than the screen`);
    }
    await phone.close();
  });
});
