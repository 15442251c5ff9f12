// The digest and confirmation emails for fixed content: compiled MJML (strict) and the text part
// must not drift; personalising fills each recipient's values, escaped in the HTML; the HTML
// goes without MJML's indentation, drawn the same.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { ArticleRecord } from '../../src/domain/article.js';
import { createEmailRenderer, personalize } from '../../src/newsletter/render-email.js';
import { assertGolden } from '../helpers/golden.js';
import { launchChromium } from '../pages/browser.js';

const article = (id: string, title: string, categories: string[], imageUrl?: string): ArticleRecord => ({
  id,
  slug: id,
  title,
  summary: `${title}: il riassunto, con “virgolette” & accenti.`,
  contentHtml: '<p>Testo.</p>',
  author: 'Redazione',
  categories,
  ...(imageUrl ? { imageUrl } : {}),
  publishedAt: '2026-11-26T07:00:00.000Z',
  updatedAt: '2026-11-26T07:00:00.000Z',
  status: 'published',
});

const count = (text: string, part: string) => text.split(part).length - 1;

describe('email rendering: golden files', () => {
  it('a digest with two categories does not drift, and personalises per recipient', async () => {
    const emails = await createEmailRenderer({ baseUrl: 'https://notiziario.example.org', title: 'Notiziario', language: 'it', timezone: 'Europe/Rome' });
    const template = await emails.digest([
      { category: { slug: 'salute', name: 'Salute' }, articles: [article('vaccini', 'Vaccini in farmacia', ['salute'], 'https://notiziario.example.org/assets/demo-vaccini.png')] },
      { category: { slug: 'cultura', name: 'Cultura' }, articles: [article('musei', "Musei aperti all'alba", ['cultura'])] },
    ]);
    const golden = personalize(template, { greeting: 'Ciao Anna,', manageUrl: 'https://notiziario.example.org/subscriptions/manage?token=golden', unsubscribeUrl: 'https://notiziario.example.org/subscriptions/unsubscribe?token=golden' });
    await assertGolden('digest.html', golden.html);
    await assertGolden('digest.txt', golden.text);
    assert.equal(template.subject, 'Notiziario: Vaccini in farmacia e un altro articolo');

    const mail = personalize(template, { greeting: 'Ciao <Anna>,', manageUrl: 'https://n.example/m?token=a&b', unsubscribeUrl: 'https://n.example/u?token=a' });
    assert.ok(mail.html.includes('Ciao &lt;Anna&gt;,'), 'the name is escaped in HTML');
    assert.ok(mail.html.includes('href="https://n.example/m?token=a&amp;b"'));
    assert.ok(mail.text.startsWith('Ciao <Anna>,'), 'and left as typed in the text part');
    assert.ok(!mail.html.includes('%%') && !mail.text.includes('%%'), 'no slot marker is left');
  });

  it('the confirmation email does not drift', async () => {
    const emails = await createEmailRenderer({ baseUrl: 'https://notiziario.example.org', title: 'Notiziario', language: 'en', timezone: 'UTC' });
    const template = await emails.confirmation([{ slug: 'salute', name: 'Salute' }]);
    const golden = personalize(template, { confirmUrl: 'https://notiziario.example.org/subscriptions/confirm?token=golden' });
    await assertGolden('confirm.html', golden.html);
    await assertGolden('confirm.txt', golden.text);
  });
});

describe('email rendering: a digest put together from pieces compiled once', () => {
  const site = { baseUrl: 'https://notiziario.example.org', title: 'Notiziario', language: 'it', timezone: 'Europe/Rome' };
  const category = (slug: string) => ({ slug, name: slug[0]!.toUpperCase() + slug.slice(1) });
  const vaccini = article('vaccini', 'Vaccini in farmacia', ['salute'], 'https://notiziario.example.org/assets/vaccini.png');
  const ambulatori = article('ambulatori', 'Ambulatori <aperti> & "gratuiti"', ['salute']);
  const musei = article('musei', "Musei aperti all'alba", ['cultura']);
  const stadio = article('stadio', 'Lo stadio riapre', ['sport'], 'https://notiziario.example.org/assets/stadio.png');
  const recipient = { greeting: 'Ciao Anna,', manageUrl: 'https://n.example/m', unsubscribeUrl: 'https://n.example/u' };

  it('is, compiled from pieces of other digests, exactly the digest compiled on its own; and compiles nothing new', async () => {
    const warm = await createEmailRenderer(site);
    await warm.digest([{ category: category('salute'), articles: [vaccini, ambulatori] }]);
    await warm.digest([
      { category: category('cultura'), articles: [musei] },
      { category: category('sport'), articles: [stadio] },
    ]);
    const compiled = warm.compiles;
    // Other neighbours, another order, another count, another kind, and a first piece that was second.
    const sections = [
      { category: category('sport'), articles: [stadio] },
      { category: category('salute'), articles: [ambulatori, vaccini] },
      { category: category('cultura'), articles: [musei] },
    ];
    const fromPieces = personalize(await warm.digest(sections, 'weekly'), recipient);
    assert.equal(warm.compiles, compiled, 'every heading and article was compiled before');
    const cold = await createEmailRenderer(site);
    const whole = personalize(await cold.digest(sections, 'weekly'), recipient);
    assert.equal(cold.compiles, 1);
    assert.equal(fromPieces.html, whole.html);
    assert.equal(fromPieces.text, whole.text);
    assert.match(whole.html, /<title>Notiziario: La tua selezione settimanale<\/title>/);
    assert.ok(whole.html.includes('Ambulatori &lt;aperti&gt; &amp; &quot;gratuiti&quot;') && whole.html.includes('Lo stadio riapre · Ambulatori &lt;aperti&gt; &amp; &quot;gratuiti&quot; · Vaccini'), 'titles escaped in the body and the preview');
    assert.equal(count(whole.html, 'Lo stadio riapre</a>'), 1);
  });

  it('compiles an article again once it has changed, and shows the change', async () => {
    const emails = await createEmailRenderer(site);
    await emails.digest([{ category: category('cultura'), articles: [musei] }]);
    const edited = { ...musei, title: 'Musei aperti anche di notte', summary: 'Fino alle 23.', updatedAt: '2026-11-27T07:00:00.000Z' };
    const { html } = personalize(await emails.digest([{ category: category('cultura'), articles: [edited] }]), recipient);
    assert.equal(emails.compiles, 2);
    assert.ok(html.includes('Musei aperti anche di notte') && !html.includes('Musei aperti all&#39;alba'));
  });
});

describe('email rendering: a rhythm’s digest says which it is', () => {
  const sections = [{ category: { slug: 'salute', name: 'Salute' }, articles: [article('vaccini', 'Vaccini in farmacia', ['salute']), article('ambulatori', 'Ambulatori aperti', ['salute'])] }];

  it('in Italian: “La tua selezione settimanale”, “del giorno”, “Nuovo in Salute”', async () => {
    const emails = await createEmailRenderer({ baseUrl: 'https://notiziario.example.org', title: 'Notiziario', language: 'it', timezone: 'Europe/Rome' });
    const weekly = await emails.digest(sections, 'weekly');
    assert.equal(weekly.subject, 'Notiziario: La tua selezione settimanale');
    assert.match(personalize(weekly, { greeting: 'Ciao,' }).text, /^Ciao,\necco la tua selezione settimanale: 2 nuovi articoli delle categorie che segui\./);
    assert.equal((await emails.digest(sections, 'daily')).subject, 'Notiziario: La tua selezione del giorno');
    const immediate = await emails.digest(sections, 'immediate');
    assert.equal(immediate.subject, 'Notiziario: Nuovo in Salute');
    assert.match(personalize(immediate, {}).text, /appena pubblicato in Salute: 2 nuovi articoli\./);
    assert.equal((await emails.digest(sections)).subject, 'Notiziario: Vaccini in farmacia e un altro articolo', 'the site’s newsletter as before');
  });

  it('in English: “Your weekly selection”, “Your daily selection”, “New in Salute”', async () => {
    const emails = await createEmailRenderer({ baseUrl: 'https://notiziario.example.org', title: 'Notiziario', language: 'en', timezone: 'UTC' });
    assert.equal((await emails.digest(sections, 'weekly')).subject, 'Notiziario: Your weekly selection');
    assert.equal((await emails.digest(sections, 'daily')).subject, 'Notiziario: Your daily selection');
    assert.equal((await emails.digest(sections, 'immediate')).subject, 'Notiziario: New in Salute');
  });
});

describe('email rendering: without MJML’s indentation', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('no line of the HTML starts with spaces, and Chromium draws it exactly as the indented HTML, on a desktop and a phone', async () => {
    const emails = await createEmailRenderer({ baseUrl: 'https://notiziario.example.org', title: 'Notiziario', language: 'it', timezone: 'Europe/Rome' });
    const sections = ['salute', 'cultura', 'ambiente'].map((slug) => ({
      category: { slug, name: slug[0]!.toUpperCase() + slug.slice(1) },
      articles: [1, 2, 3].map((n) => article(`${slug}-${n}`, `Notizia ${n} di ${slug}, con un titolo che va a capo su un telefono`, [slug])),
    }));
    const { html } = personalize(await emails.digest(sections), { greeting: 'Ciao Anna,', manageUrl: 'https://n.example/m', unsubscribeUrl: 'https://n.example/u' });
    assert.deepEqual(html.split('\n').filter((line) => /^[ \t]/.test(line)), [], 'no indented line');
    const indented = html.replace(/\n/g, '\n        ');
    for (const viewport of [{ width: 1024, height: 800 }, { width: 375, height: 700 }]) {
      const page = await browser.newPage({ viewport });
      // Image requests go nowhere: the network is closed, and both versions are drawn alike.
      await page.route('**/*', (route) => route.abort());
      const draw = async (markup: string) => {
        await page.setContent(markup);
        return page.screenshot({ fullPage: true });
      };
      const [plain, withIndentation] = [await draw(html), await draw(indented)];
      await page.close();
      assert.ok(plain.equals(withIndentation), `the same pixels at ${viewport.width}px`);
    }
  });
});
