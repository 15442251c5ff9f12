// The pages in Chromium: an article page with its related articles and feed autodiscovery,
// keyboard focus that can be seen, a layout that fits a phone, and no serious accessibility
// violation (axe-core) on any page, in the light and the dark colour scheme.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import { subscriberLinks } from '../../src/newsletter/subscriptions.js';
import { createToken } from '../../src/newsletter/tokens.js';
import { launchChromium, seriousViolations } from './browser.js';
import { startPagesService, type PagesService } from './fixture.js';

describe('pages in Chromium', () => {
  let service: PagesService;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    service = await startPagesService();
    browser = await launchChromium();
    context = await browser.newContext();
  });

  after(async () => {
    await browser?.close();
    await service?.stop({ removeData: true });
  });

  const articleIn = (category: string) => service.ctx.store.articles.listDue(category, service.clock(), 0, 1)[0]!;

  it('shows an article with its categories, its related articles and the feeds to discover', async () => {
    const page = await context.newPage();
    const article = articleIn('inclusione');
    await page.goto(`${service.url}/articles/${article.slug}`);
    assert.equal(await page.locator('h1').textContent(), article.title);
    const related = service.ctx.store.articles.related(article, service.clock());
    assert.ok(related.length > 0, 'the demo article has related articles');
    const block = page.getByRole('region', { name: 'Articoli correlati' });
    assert.deepEqual(await block.locator('.card__title a').allTextContents(), related.map((other) => other.title));
    const categoryNames = article.categories.map((slug) => service.ctx.store.articles.category(slug)!.name);
    assert.deepEqual(await page.locator('.article__footer .tag').allTextContents(), categoryNames);

    const feeds = await page.locator('link[rel="alternate"]').evaluateAll((links) => links.map((link) => ({ type: link.getAttribute('type'), href: (link as HTMLLinkElement).href })));
    const expected = ['', ...article.categories.map((slug) => `/categories/${slug}`)].flatMap((prefix) => [
      { type: 'application/rss+xml', href: `${service.url}${prefix}/rss.xml` },
      { type: 'application/atom+xml', href: `${service.url}${prefix}/atom.xml` },
      { type: 'application/feed+json', href: `${service.url}${prefix}/feed.json` },
    ]);
    assert.deepEqual(feeds, expected);
    // Each discovered feed is there to be read.
    for (const feed of feeds) assert.equal((await page.request.get(feed.href)).status(), 200, feed.href);
    await page.close();
  });

  it('lets a keyboard user skip to the content, with a visible focus ring', async () => {
    const page = await context.newPage();
    await page.goto(`${service.url}/`);
    await page.keyboard.press('Tab');
    const skip = page.locator('.skip-link');
    assert.equal(await skip.evaluate((element) => element === document.activeElement), true);
    assert.equal(await skip.evaluate((element) => getComputedStyle(element).outlineStyle), 'solid');
    const box = (await skip.boundingBox())!;
    assert.ok(box.y >= 0 && box.height > 0, 'the focused skip link is on screen');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle), 'solid');
    await page.close();
  });

  it('fits a 360-pixel phone screen without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await phone.newPage();
    for (const path of ['/', '/categories/salute', `/articles/${articleIn('salute').slug}`, '/subscribe']) {
      await page.goto(service.url + path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `${path} is ${overflow}px wider than the screen`);
    }
    await phone.close();
  });

  // One test per colour scheme: each runs axe on a dozen pages, seconds each on a busy machine.
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious accessibility violation on any page, in the ${colorScheme} colour scheme`, async function () {
      this.timeout(120_000); // a dozen pages through axe-core: tens of seconds when the two cores are shared
      const { manageUrl, unsubscribeUrl } = await importReader(service, 'anna@example.org');
      const confirmUrl = await pendingConfirmation(service, `marco-${colorScheme}@example.org`);
      const paths = [
        '/',
        '/?page=2',
        '/categories/salute',
        `/articles/${articleIn('salute').slug}`,
        '/subscribe',
        '/subscribe/sent',
        '/articles/does-not-exist',
        '/subscriptions/confirm?token=broken',
        confirmUrl,
        manageUrl,
        unsubscribeUrl,
        '/embed/salute',
      ];
      const problems: string[] = [];
      const schemed = await browser.newContext({ colorScheme });
      const page = await schemed.newPage();
      for (const path of paths) {
        await page.goto(path.startsWith('http') ? path : service.url + path);
        problems.push(...(await seriousViolations(page)));
      }
      // The form sent back with its errors.
      await page.goto(`${service.url}/subscribe`);
      await page.getByLabel('Indirizzo email').fill('not an address');
      await page.getByRole('button', { name: 'Iscriviti' }).click();
      await page.getByText('Inserisci un indirizzo email valido').first().waitFor();
      problems.push(...(await seriousViolations(page)));
      await schemed.close();
      assert.deepEqual(problems, []);
    });
  }
});

async function importReader(service: PagesService, email: string) {
  const res = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email, categories: ['salute'] }] });
  assert.equal(res.status, 200);
  return subscriberLinks(service.ctx, service.ctx.store.newsletter.subscriberByEmail(email)!.id);
}

/** The confirmation link of a subscription that waits for it (its page shows the button). */
async function pendingConfirmation(service: PagesService, email: string): Promise<string> {
  const res = await service.request('/api/subscriptions', { method: 'POST', json: { email, categories: ['salute'] } });
  assert.equal(res.status, 202);
  await service.ctx.background.idle();
  const { id } = service.ctx.store.newsletter.subscriberByEmail(email)!;
  const token = createToken(service.ctx.config.secret, id, 'confirm', new Date(service.clock().getTime() + 60 * 60 * 1000));
  return `${service.url}/subscriptions/confirm?token=${encodeURIComponent(token)}`;
}
