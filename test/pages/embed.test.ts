// The embed on another site: a page served from a second loopback origin loads embed.js, which
// reads the category's JSON feed cross-origin and draws the items in a Shadow DOM, while the
// host page's computed styles stay exactly as they are without it. And the iframe version.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, seriousViolations } from './browser.js';
import { startPagesService, type PagesService } from './fixture.js';

/** Loud host styles: if any of them reached the embed, or the embed's reached the host, it shows. */
const HOST_STYLES = `
  * { font-family: "Comic Sans MS", cursive !important; color: rgb(200, 0, 0) !important; letter-spacing: 3px; }
  body { font-size: 22px; line-height: 3; background: rgb(250, 240, 200); text-align: center; }
  a { color: rgb(0, 128, 0) !important; text-transform: uppercase; }
  ul { list-style: square; padding: 40px; } li { border: 2px dashed blue; margin: 12px; }
  section, span, time { display: inline; font-weight: 900; }
`;

const HOST_BODY = `<h1>Il blog di quartiere</h1><p>Un paragrafo con <a href="#x">un link</a>.</p><ul><li>uno</li><li>due</li></ul>`;

function hostPage(embed: string): string {
  return `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Host</title><style>${HOST_STYLES}</style></head><body><main>${HOST_BODY}${embed}</main></body></html>`;
}

/** Computed styles of the host's own elements, to compare a page with and without the embed. */
async function hostStyles(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(() => {
    const properties = ['color', 'font-family', 'font-size', 'line-height', 'letter-spacing', 'text-transform', 'background-color', 'list-style-type', 'padding-left', 'border-top-style', 'margin-top', 'display', 'font-weight'];
    const snapshot: Record<string, Record<string, string>> = {};
    for (const selector of ['html', 'body', 'main', 'h1', 'p', 'p a', 'ul', 'li']) {
      const style = getComputedStyle(document.querySelector(selector)!);
      snapshot[selector] = Object.fromEntries(properties.map((property) => [property, style.getPropertyValue(property)]));
    }
    return snapshot;
  });
}

describe('embed on another site', () => {
  let service: PagesService;
  let browser: Browser;
  let host: Server;
  let hostUrl: string;
  const hostPages = new Map<string, string>();

  before(async () => {
    service = await startPagesService();
    browser = await launchChromium();
    host = createServer((req, res) => {
      const html = hostPages.get(req.url ?? '');
      res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' }).end(html ?? 'not found');
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    assert.notEqual(new URL(hostUrl).origin, new URL(service.url).origin);
  });

  after(async () => {
    await browser?.close();
    host?.close();
    await service?.stop({ removeData: true });
  });

  const latestTitles = (slug: string, count: number) => service.ctx.store.articles.listDue(slug, service.clock(), 0, count).map((article) => article.title);

  it('draws the latest items of the category from the JSON feed, and leaves the host styles as they were', async () => {
    hostPages.set('/plain', hostPage(''));
    hostPages.set('/embedded', hostPage(`<script src="${service.url}/embed.js" data-category="salute" data-limit="3" async></script>`));
    const page = await browser.newPage();
    await page.goto(`${hostUrl}/plain`);
    const before = await hostStyles(page);

    await page.goto(`${hostUrl}/embedded`);
    const embed = page.locator('notiziario-news[data-state="ready"]');
    await embed.waitFor();
    assert.deepEqual(await embed.locator('li a').allTextContents(), latestTitles('salute', 3));
    assert.equal(await embed.evaluate((element) => element.previousElementSibling?.tagName), 'SCRIPT', 'drawn right after its script tag');
    assert.equal(await embed.evaluate((element) => !!element.shadowRoot), true);
    assert.deepEqual(await hostStyles(page), before, 'the host page looks as it did without the embed');

    // Nothing of the host's styles reaches inside.
    const link = embed.locator('li a').first();
    const inside = await link.evaluate((element) => {
      const style = getComputedStyle(element);
      return { color: style.color, font: style.fontFamily, spacing: style.letterSpacing, transform: style.textTransform, size: style.fontSize };
    });
    assert.equal(inside.color, 'rgb(10, 79, 158)');
    assert.doesNotMatch(inside.font, /Comic/);
    assert.equal(inside.spacing, 'normal');
    assert.equal(inside.transform, 'none');
    assert.equal(inside.size, '15px');
    assert.match((await link.getAttribute('href'))!, new RegExp(`^${service.url}/articles/`));
    await page.close();
  });

  it('sets feed text as text: markup in a title is shown, never run', async () => {
    await service.createArticle({ title: 'Titolo <img src=x onerror="window.pwned=1"> finto', categories: ['Salute'] });
    hostPages.set('/hostile', hostPage(`<script src="${service.url}/embed.js" data-category="salute" data-limit="1" async></script>`));
    const page = await browser.newPage();
    await page.goto(`${hostUrl}/hostile`);
    const embed = page.locator('notiziario-news[data-state="ready"]');
    await embed.waitFor();
    assert.equal(await embed.locator('li a').textContent(), 'Titolo <img src=x onerror="window.pwned=1"> finto');
    assert.equal(await embed.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    await page.close();
  });

  it('says so in the embed when the category does not exist', async () => {
    hostPages.set('/unknown', hostPage(`<script src="${service.url}/embed.js" data-category="nessuna" async></script>`));
    const page = await browser.newPage();
    await page.goto(`${hostUrl}/unknown`);
    const embed = page.locator('notiziario-news[data-state="ready"]');
    await embed.waitFor();
    assert.equal(await embed.locator('.note').textContent(), 'Non è stato possibile caricare le notizie.');
    await page.close();
  });

  it('loads the iframe version, and refuses to show any other page in a frame', async () => {
    hostPages.set('/framed', hostPage(`<iframe id="news" src="${service.url}/embed/salute?limit=2" title="Notizie" width="360" height="400"></iframe><iframe id="home" src="${service.url}/" title="Home"></iframe>`));
    const page = await browser.newPage();
    await page.goto(`${hostUrl}/framed`);
    const news = page.frameLocator('#news');
    assert.deepEqual(await news.locator('li a').allTextContents(), latestTitles('salute', 2).map((title) => `${title} (si apre in una nuova scheda)`));
    const home = await (await page.locator('#home').elementHandle())!.contentFrame();
    assert.ok(home, 'the second frame exists');
    assert.ok(!home.url().startsWith(service.url), `the home page is not shown in a frame (${home.url()})`);
    assert.equal(await home.locator('.brand').count(), 0);
    await page.close();
  });

  it('has no serious accessibility violation on a host page with the embed', async () => {
    hostPages.set('/accessible', `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Host</title></head><body><main><h1>Notizie</h1><script src="${service.url}/embed.js" data-category="salute" async></script></main></body></html>`);
    const page = await browser.newPage();
    await page.goto(`${hostUrl}/accessible`);
    await page.locator('notiziario-news[data-state="ready"]').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await page.close();
  });
});
