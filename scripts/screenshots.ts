// Regenerates the pictures in docs/: the home page (wide and phone), an article, a digest as a
// mail client shows it, the embed on another site's page, and the console (/admin). Everything runs on loopback with
// the demo content and a fixed clock, so the pictures only change when the design does.
//   npm run screenshots
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { createAccount, disableAccount, setPassword, signIn } from '../src/console/accounts.js';
import { seedDemoContent } from '../src/seed/seed-demo.js';
import { launchChromium } from '../test/pages/browser.js';
import { startTestService, type TestService } from '../test/helpers/service.js';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs');
const NOW = '2026-11-27T09:00:00Z';
const DAY = 24 * 60 * 60 * 1000;

/** `ready`: a selector to wait for once the page has loaded (what its script builds). */
async function shoot(page: Page, url: string, file: string, options: { fullPage?: boolean; ready?: string } = {}): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  if (options.ready) await page.locator(options.ready).first().waitFor();
  await page.screenshot({ path: path.join(DOCS, file), fullPage: options.fullPage ?? false });
  console.log(`docs/${file}`);
}

/** Imports a reader, then runs the newsletter: the digest lands in DATA_DIR/outbox as .eml. */
async function sendDigest(service: TestService): Promise<{ from: string; to: string; subject: string; date: Date; html: string }> {
  service.clock.set(new Date(Date.parse(NOW) - 10 * DAY));
  await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'giulia.rossi@example.org', name: 'Giulia', categories: ['salute', 'innovazione', 'inclusione'] }] });
  service.clock.set(NOW);
  await service.request('/api/newsletter/runs', { method: 'POST', admin: true });
  const outbox = path.join(service.dataDir, 'outbox');
  const [file] = (await readdir(outbox)).filter((name) => name.endsWith('.eml'));
  if (!file) throw new Error('screenshots: the newsletter run sent no digest');
  const mail = await simpleParser(await readFile(path.join(outbox, file)));
  // The Date header is the real sending time; the picture shows the demo's fixed time.
  return { from: mail.from?.text ?? '', to: 'Giulia <giulia.rossi@example.org>', subject: mail.subject ?? '', date: new Date(NOW), html: String(mail.html) };
}

/** A plain mail-client window around the message: headers on top, the HTML body below. */
function mailClientPage(mail: Awaited<ReturnType<typeof sendDigest>>): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<!doctype html><html lang="it"><head><meta charset="utf-8"><style>
    body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#e9ecf1;color:#222}
    .window{margin:24px auto;max-width:900px;background:#fff;border-radius:10px;box-shadow:0 6px 30px rgba(0,0,0,.15);overflow:hidden}
    .bar{background:#f4f5f7;border-bottom:1px solid #dcdfe4;padding:14px 20px}
    .subject{font-size:19px;font-weight:650;margin:0 0 8px}
    .row{color:#555}.row b{color:#222;font-weight:600}
    iframe{display:block;width:100%;height:1420px;border:0}
  </style></head><body><div class="window"><div class="bar">
    <p class="subject">${escape(mail.subject)}</p>
    <div class="row"><b>Da:</b> ${escape(mail.from)}</div>
    <div class="row"><b>A:</b> ${escape(mail.to)}</div>
    <div class="row"><b>Data:</b> ${escape(mail.date.toLocaleString('it-IT', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Rome' }))}</div>
  </div><iframe sandbox="allow-same-origin" srcdoc="${escape(mail.html)}"></iframe></div></body></html>`;
}

/** Another site's page (a second loopback origin) with the script embed and the iframe. */
function hostPage(serviceUrl: string): string {
  return `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Il blog della Pro Loco</title><style>
    body{margin:0;font:18px/1.7 Georgia,serif;color:#3b2f2f;background:#f6efe6}
    header{background:#5b2333;color:#fff;padding:22px 40px;font:700 28px/1 Georgia,serif}
    .page{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:40px;max-width:1200px;margin:0 auto;padding:32px 40px}
    h1{font-size:34px;margin:0 0 12px;color:#5b2333} p{margin:0 0 16px} a{color:#b5442c}
    aside h2{font:700 15px/1.2 sans-serif;text-transform:uppercase;letter-spacing:.1em;color:#5b2333;margin:0 0 10px}
    ul,li{color:#b5442c} li{font-style:italic}
  </style></head><body><header>Pro Loco di Montefiore</header><div class="page"><main>
    <h1>Sagra d’autunno: il programma</h1>
    <p>Tre giorni di musica, mercatini e cucina del territorio nel centro storico. Le serate si aprono con la banda cittadina e si chiudono con i fuochi sul lago.</p>
    <p>Qui accanto, le ultime notizie su salute e servizi dal <a href="#">Notiziario</a>, sempre aggiornate.</p>
    <ul><li>Venerdì: apertura degli stand</li><li>Sabato: concerto in piazza</li><li>Domenica: palio delle contrade</li></ul>
  </main><aside>
    <h2>Con lo script</h2>
    <script src="${serviceUrl}/embed.js" data-category="salute" data-limit="4" async></script>
    <h2 style="margin-top:28px">Con l’iframe</h2>
    <iframe src="${serviceUrl}/embed/salute?limit=3" title="Ultime notizie: Salute" width="380" height="390" style="border:0"></iframe>
  </aside></div></body></html>`;
}

async function serveHostPage(html: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The newsroom's other people: an editor signed in on two browsers, one disabled, one yet to choose a password. */
async function addColleagues(service: TestService): Promise<void> {
  const people = [['marta.bianchi@example.org', 'editor'], ['luca.verdi@example.org', 'editor'], ['paolo.neri@example.org', 'admin']] as const;
  for (const [email, role] of people) {
    const { account } = await createAccount(service.ctx, 'redazione@example.org', email, role);
    await setPassword(service.ctx, account, 'screenshots only');
  }
  for (let browser = 0; browser < 2; browser += 1) await signIn(service.ctx, 'marta.bianchi@example.org', 'screenshots only');
  await disableAccount(service.ctx, 'redazione@example.org', service.ctx.store.accounts.accountByEmail('luca.verdi@example.org')!);
  await createAccount(service.ctx, 'redazione@example.org', 'stagista@example.org', 'editor');
}

/** The console as an admin sees it: the article list, an article's rich editor, the newsletter, the accounts; the editor on a phone. */
async function shootConsole(browser: Browser, service: TestService): Promise<void> {
  const { account } = await createAccount(service.ctx, 'screenshots', 'redazione@example.org', 'admin');
  await setPassword(service.ctx, account, 'screenshots only');
  await addColleagues(service);
  for (const [viewport, shots] of [
    [{ width: 1280, height: 900 }, ['articles', 'editor', 'newsletter', 'accounts']],
    [{ width: 390, height: 844 }, ['editor-phone']],
  ] as const) {
    const context = await browser.newContext({ viewport, colorScheme: 'light', ...(viewport.width < 500 ? { deviceScaleFactor: 2, isMobile: true } : {}) });
    const page = await context.newPage();
    await page.goto(`${service.url}/admin/sign-in`);
    await page.getByLabel('Email').fill('redazione@example.org');
    await page.getByLabel('Password').fill('screenshots only');
    await page.getByRole('button', { name: 'Accedi' }).click();
    await page.waitForURL(/\/admin\/articles$/);
    const article = service.ctx.store.articles.all()[0]!;
    const paths: Record<string, string> = { articles: '/admin/articles', editor: `/admin/articles/${article.id}`, newsletter: '/admin/newsletter', accounts: '/admin/accounts', 'editor-phone': `/admin/articles/${article.id}` };
    for (const shot of shots) await shoot(page, service.url + paths[shot], `console-${shot}.png`, { ready: shot.startsWith('editor') ? '.rich-editor [contenteditable="true"]' : undefined });
    await context.close();
  }
}

async function main(): Promise<void> {
  const service = await startTestService({ TIMEZONE: 'Europe/Rome', SITE_TITLE: 'Notiziario' });
  service.clock.set(NOW);
  await seedDemoContent(service.ctx);
  const browser = await launchChromium();
  try {
    const wide = await browser.newPage({ viewport: { width: 1280, height: 1000 }, colorScheme: 'light' });
    await shoot(wide, service.url + '/', 'home.png');
    const article = service.ctx.store.articles.listDue('', service.clock(), 0, 1)[0]!;
    await shoot(wide, `${service.url}/articles/${article.slug}`, 'article.png', { fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, colorScheme: 'light' });
    await shoot(phone, service.url + '/', 'home-phone.png');

    const digest = await sendDigest(service);
    // A fresh page: setContent on a page of the service would keep the service's CSP.
    // No scripts in the message; allow-same-origin lets the stand-in images reach its frame.
    const mailContext = await browser.newContext({ viewport: { width: 1100, height: 1600 }, colorScheme: 'light' });
    const mailClient = await mailContext.newPage();
    await mailClient.setContent(mailClientPage(digest), { waitUntil: 'load' });
    // Not fullPage: resizing for a full-page shot leaves the sandboxed frame unpainted.
    await mailClient.screenshot({ path: path.join(DOCS, 'digest.png') });
    console.log('docs/digest.png');

    const host = await serveHostPage(hostPage(service.url));
    await wide.goto(host.url, { waitUntil: 'load' });
    await wide.locator('notiziario-news[data-state="ready"]').waitFor();
    await wide.screenshot({ path: path.join(DOCS, 'embed.png') });
    console.log('docs/embed.png');
    host.server.close();
    await shootConsole(browser, service);
  } finally {
    await browser.close();
    await service.stop({ removeData: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('screenshots:', err);
    process.exit(1);
  },
);
