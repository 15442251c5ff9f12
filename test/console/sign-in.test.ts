// People at the console: accounts from the command line, sign-in, sessions that end, forms that
// only this site's pages can send, roles, and the audit log of it all.
import assert from 'node:assert/strict';
import type { Store } from 'express-rate-limit';
import type { RateLimitStores } from '../../src/http/rate-limit.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { addAccount, consoleClient, PASSWORD, signedIn } from './console-client.js';

describe('console sign-in', function () {
  this.timeout(60_000); // scrypt for each of twenty-odd sign-ins, on two shared cores
  let service: TestService;

  beforeEach(async () => {
    service = await startTestService();
    await addAccount(service, 'admin@example.org', 'admin');
    await addAccount(service, 'editor@example.org', 'editor');
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
  });

  it('signs a person in with a session cookie that scripts cannot read, and keeps console pages out of caches and search engines', async () => {
    const client = consoleClient(service);
    const page = await client.get('/admin/sign-in');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.headers.get('x-robots-tag')!, /noindex/);
    assert.match(await page.text(), /<meta name="robots" content="noindex/);
    const response = await client.post('/admin/sign-in', { email: 'Editor@Example.org', password: PASSWORD });
    assert.equal(response.status, 303);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('notiziario_session='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, 'plain http BASE_URL: a Secure cookie would never come back');
    const articles = await client.get('/admin/articles');
    assert.equal(articles.status, 200);
    assert.match(await articles.text(), /editor@example\.org/);
  });

  it('marks the session cookie Secure when BASE_URL is https', async () => {
    const secure = await startTestService({ BASE_URL: 'https://news.example.org' });
    try {
      await addAccount(secure, 'admin@example.org', 'admin');
      const client = consoleClient(secure);
      await client.get('/admin/sign-in');
      const response = await client.post('/admin/sign-in', { email: 'admin@example.org', password: PASSWORD });
      assert.match(response.headers.getSetCookie().find((line) => line.startsWith('notiziario_session='))!, /Secure/);
    } finally {
      await secure.stop({ removeData: true });
    }
  });

  it('refuses a wrong password and says so, without telling which of the two was wrong', async () => {
    const client = consoleClient(service);
    await client.get('/admin/sign-in');
    const wrong = await client.post('/admin/sign-in', { email: 'editor@example.org', password: 'not the password' });
    assert.equal(wrong.status, 401);
    const unknown = await client.post('/admin/sign-in', { email: 'nobody@example.org', password: 'not the password' });
    assert.equal(unknown.status, 401);
    assert.match(await wrong.text(), /email o la password non sono corrette/);
  });

  it('rate-limits wrong passwords per account: after five, even the right one waits', async () => {
    const client = consoleClient(service);
    await client.get('/admin/sign-in');
    for (let attempt = 0; attempt < 5; attempt += 1) assert.equal((await client.post('/admin/sign-in', { email: 'editor@example.org', password: `guess ${attempt}` })).status, 401);
    const limited = await client.post('/admin/sign-in', { email: 'editor@example.org', password: PASSWORD });
    assert.equal(limited.status, 429);
    assert.ok(limited.headers.get('retry-after'));
    // Another account is not locked by someone guessing this one's password.
    assert.equal((await client.post('/admin/sign-in', { email: 'admin@example.org', password: PASSWORD })).status, 303);
  });

  it('rate-limits wrong passwords per address, whichever accounts they try', async () => {
    const client = consoleClient(service);
    await client.get('/admin/sign-in');
    for (let attempt = 0; attempt < 20; attempt += 1) assert.equal((await client.post('/admin/sign-in', { email: `guess${attempt}@example.org`, password: 'wrong' })).status, 401);
    assert.equal((await client.post('/admin/sign-in', { email: 'admin@example.org', password: PASSWORD })).status, 429);
  });

  it('counts wrong passwords in the rate-limit stores it is given: two instances sharing them count together', async () => {
    const shared = sharedStores();
    const instances = [await startTestService({}, { rateLimitStores: shared }), await startTestService({}, { rateLimitStores: shared })];
    try {
      const clients = [];
      for (const instance of instances) {
        await addAccount(instance, 'editor@example.org', 'editor');
        const client = consoleClient(instance);
        await client.get('/admin/sign-in');
        clients.push(client);
      }
      for (let attempt = 0; attempt < 5; attempt += 1) assert.equal((await clients[attempt % 2]!.post('/admin/sign-in', { email: 'editor@example.org', password: `guess ${attempt}` })).status, 401);
      assert.equal((await clients[1]!.post('/admin/sign-in', { email: 'editor@example.org', password: PASSWORD })).status, 429, 'five wrong passwords across the two instances');
    } finally {
      for (const instance of instances) await instance.stop({ removeData: true });
    }
  });

  it('refuses a form posted from another origin, and one without its CSRF token', async () => {
    const client = await signedIn(service, 'editor@example.org');
    const fields = { title: 'Da fuori', contentHtml: '<p>Testo.</p>', action: 'publish' };
    const crossSite = await client.post('/admin/articles/new', fields, { headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(crossSite.status, 403);
    const noToken = await client.post('/admin/articles/new', fields, { csrf: null });
    assert.equal(noToken.status, 403);
    const otherToken = await client.post('/admin/articles/new', fields, { csrf: 'x'.repeat(32) });
    assert.equal(otherToken.status, 403);
    assert.equal(service.ctx.store.articles.all().filter((article) => article.title === 'Da fuori').length, 0);
    assert.equal((await client.post('/admin/articles/new', fields)).status, 303, 'the same form from the console page goes through');
  });

  it('ends a session at sign-out and after two idle hours', async () => {
    const client = await signedIn(service, 'editor@example.org');
    const copied = consoleClient(service);
    for (const [name, value] of client.cookies) copied.cookies.set(name, value);
    assert.equal((await client.post('/admin/sign-out', {})).status, 303);
    assert.equal((await copied.get('/admin/articles')).status, 303, 'the stolen cookie is worth nothing after sign-out');

    const idle = await signedIn(service, 'editor@example.org');
    service.clock.advance(2 * 60 * 60 * 1000 + 1000);
    const after = await idle.get('/admin/articles');
    assert.equal(after.status, 303);
    assert.match(after.headers.get('location')!, /\/admin\/sign-in/);
  });

  it('gives an editor 403 on the admins\' pages', async () => {
    const client = await signedIn(service, 'editor@example.org');
    assert.equal((await client.get('/admin/accounts')).status, 403);
    assert.equal((await client.get('/admin/audit')).status, 403);
    assert.equal((await client.post('/admin/accounts', { email: 'new@example.org', role: 'admin' })).status, 403);
    assert.equal(service.ctx.store.accounts.accountByEmail('new@example.org'), undefined);
  });

  it('lets an admin create an account whose one-time link sets a password once', async () => {
    const admin = await signedIn(service, 'admin@example.org');
    const created = await admin.post('/admin/accounts', { email: 'nuova@example.org', role: 'editor' });
    assert.equal(created.status, 200);
    const link = /(http:\/\/[^<\s]+\/admin\/set-password\?token=[\w-]+)/.exec(await created.text())![1]!;
    const person = consoleClient(service);
    const linkPath = link.slice(service.url.length);
    assert.equal((await person.get(linkPath)).status, 200);
    assert.equal((await person.post('/admin/set-password', { token: new URL(link).searchParams.get('token')!, password: 'short' })).status, 422);
    assert.equal((await person.post('/admin/set-password', { token: new URL(link).searchParams.get('token')!, password: 'a long new password' })).status, 303);
    assert.equal((await person.get(linkPath)).status, 410, 'the link works once');
    await signedIn(service, 'nuova@example.org', 'a long new password');
  });

  it('lets an admin disable an account: its browsers are signed out at once, its sign-in is refused with a clear message, and once enabled it signs in again', async () => {
    const editor = await signedIn(service, 'editor@example.org');
    const admin = await signedIn(service, 'admin@example.org');
    const id = service.ctx.store.accounts.accountByEmail('editor@example.org')!.id;
    await admin.get('/admin/accounts');
    const disabled = await admin.post(`/admin/accounts/${id}/disable`, {});
    assert.equal(disabled.status, 303);
    assert.match(await (await admin.get(disabled.headers.get('location')!.replace(/^.*\/admin/, '/admin'))).text(), /account è disattivato: è uscito da ogni browser/);
    const next = await editor.get('/admin/articles');
    assert.equal(next.status, 303);
    assert.match(next.headers.get('location')!, /\/admin\/sign-in/);
    const again = consoleClient(service);
    await again.get('/admin/sign-in');
    const refused = await again.post('/admin/sign-in', { email: 'editor@example.org', password: PASSWORD });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /Questo account è disattivato: chiedi a un amministratore di riattivarlo\./);
    const wrong = await again.post('/admin/sign-in', { email: 'editor@example.org', password: 'not the password' });
    assert.match(await wrong.text(), /email o la password non sono corrette/, 'a wrong password does not learn that the account is disabled');
    await admin.get('/admin/accounts');
    assert.equal((await admin.post(`/admin/accounts/${id}/enable`, {})).status, 303);
    await signedIn(service, 'editor@example.org');
    const entries = service.ctx.store.accounts.auditEntries(0, 50).map((entry) => `${entry.actor} ${entry.action} ${entry.target ?? ''}`.trim());
    assert.ok(entries.includes('admin@example.org account-disabled editor@example.org'));
    assert.ok(entries.includes('admin@example.org account-enabled editor@example.org'));
    assert.ok(entries.includes('editor@example.org sign-in-refused account disabled'));
  });

  it('does not let an admin disable their own account, and tells them why', async () => {
    const admin = await signedIn(service, 'admin@example.org');
    const own = service.ctx.store.accounts.accountByEmail('admin@example.org')!;
    await admin.get('/admin/accounts');
    const refused = await admin.post(`/admin/accounts/${own.id}/disable`, {});
    assert.equal(refused.status, 409);
    assert.match(await refused.text(), /Non puoi disattivare il tuo account: chiedi a un altro amministratore\./);
    assert.equal(service.ctx.store.accounts.account(own.id)!.disabledAt, undefined);
    assert.equal((await admin.get('/admin/accounts')).status, 200, 'still signed in');
  });

  it('signs an account out of every browser at an admin\'s word, and lets it sign in again', async () => {
    const laptop = await signedIn(service, 'editor@example.org');
    const phone = await signedIn(service, 'editor@example.org');
    const admin = await signedIn(service, 'admin@example.org');
    const id = service.ctx.store.accounts.accountByEmail('editor@example.org')!.id;
    assert.match(await (await admin.get('/admin/accounts')).text(), /<td>2<\/td>/, 'two signed-in browsers');
    assert.equal((await admin.post(`/admin/accounts/${id}/sign-out`, {})).status, 303);
    assert.equal((await laptop.get('/admin/articles')).status, 303);
    assert.equal((await phone.get('/admin/articles')).status, 303);
    assert.equal((await admin.get('/admin/articles')).status, 200, 'the admin stays signed in');
    await signedIn(service, 'editor@example.org');
    assert.equal(service.ctx.store.accounts.auditEntries(0, 10).filter((entry) => entry.action === 'account-signed-out' && entry.target === 'editor@example.org').length, 1);
  });

  it('keeps an audit log of sign-ins, refusals, account changes, publishes and deletions', async () => {
    const editor = await signedIn(service, 'editor@example.org');
    await editor.post('/admin/articles/new', { title: 'Notizia registrata', contentHtml: '<p>Testo.</p>', action: 'publish' });
    const article = service.ctx.store.articles.all().find((candidate) => candidate.title === 'Notizia registrata')!;
    await editor.get(`/admin/articles/${article.id}/delete`);
    assert.equal((await editor.post(`/admin/articles/${article.id}/delete`, {})).status, 303);
    const stranger = consoleClient(service);
    await stranger.get('/admin/sign-in');
    await stranger.post('/admin/sign-in', { email: 'editor@example.org', password: 'wrong' });
    const entries = service.ctx.store.accounts.auditEntries(0, 50).map((entry) => `${entry.actor} ${entry.action} ${entry.target ?? ''}`.trim());
    assert.deepEqual(entries.slice(0, 4), ['editor@example.org sign-in-refused', 'editor@example.org article-deleted Notizia registrata', 'editor@example.org article-published Notizia registrata', 'editor@example.org sign-in']);
    assert.ok(entries.includes('test account-created editor@example.org (editor)'));
    const admin = await signedIn(service, 'admin@example.org');
    const page = await (await admin.get('/admin/audit')).text();
    assert.match(page, /Notizia registrata/);
  });

  it('keeps accounts, sessions and the audit log across a restart', async () => {
    const client = await signedIn(service, 'editor@example.org');
    await service.stop();
    const restarted = await startTestService({ DATA_DIR: service.dataDir, PORT: String(service.ctx.config.port) });
    try {
      const again = consoleClient(restarted);
      for (const [name, value] of client.cookies) again.cookies.set(name, value);
      assert.equal((await again.get('/admin/articles')).status, 200);
      assert.ok(restarted.ctx.store.accounts.auditEntries(0, 10).some((entry) => entry.action === 'sign-in'));
    } finally {
      service = restarted;
    }
  });
});

/** Rate-limit counts kept outside any one instance (as a table in a shared database would keep them). */
function sharedStores(): RateLimitStores {
  const counts = new Map<string, { totalHits: number; resetTime: Date }>();
  return (limiter) => {
    let windowMs = 0;
    const keyOf = (key: string) => `${limiter} ${key}`;
    const store: Store = {
      localKeys: false,
      init: (options) => void (windowMs = options.windowMs),
      get: async (key) => counts.get(keyOf(key)),
      increment: async (key) => {
        const current = counts.get(keyOf(key));
        const count = current && current.resetTime.getTime() > Date.now() ? current : { totalHits: 0, resetTime: new Date(Date.now() + windowMs) };
        count.totalHits += 1;
        counts.set(keyOf(key), count);
        return { ...count };
      },
      decrement: async (key) => {
        const count = counts.get(keyOf(key));
        if (count) count.totalHits -= 1;
      },
      resetKey: async (key) => void counts.delete(keyOf(key)),
    };
    return store;
  };
}
