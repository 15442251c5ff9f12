// The publisher's newsletter API through real HTTP: the admin token, importing 5,000 subscribers
// in one call, erasing a subscriber's personal data (from the API and from the file on disk),
// the run history with its counts, and the digest preview.
import assert from 'node:assert/strict';
import { storedTexts } from '../helpers/database.js';
import type { TestService } from '../helpers/service.js';
import { importSubscribers, mailsTo, publish, runNewsletter, startMailedService, subscriber, type MailedService } from './fixtures.js';

interface ListedSubscriber {
  id: string;
  email: string;
  name?: string;
  status: string;
  source: string;
  categories: string[];
}

interface RunView {
  id: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt?: string;
  counts: { sent: number; skipped: number; deferred: number; failed: number };
}

describe('newsletter: admin API', () => {
  let mailed: MailedService;
  let service: TestService;

  before(async () => {
    mailed = await startMailedService();
    service = mailed.service;
    await publish(service, 'About the news', ['News']);
    await publish(service, 'About the archive', ['Archive']);
  });

  after(async () => {
    await mailed.stop();
  });

  /** Every page of GET /api/subscribers, following `next`. */
  async function listSubscribers(): Promise<ListedSubscriber[]> {
    const all: ListedSubscriber[] = [];
    for (let url: string | null = '/api/subscribers?limit=1000'; url; ) {
      const page = (await (await service.request(url, { admin: true })).json()) as { items: ListedSubscriber[]; next: string | null };
      all.push(...page.items);
      url = page.next && new URL(page.next).pathname + new URL(page.next).search;
    }
    return all;
  }
  const listRuns = async () => (await (await service.request('/api/newsletter/runs', { admin: true })).json()) as RunView[];

  it('answers 401 to every admin call without the token, or with a wrong one', async () => {
    const calls: [string, string][] = [
      ['GET', '/api/subscribers'],
      ['POST', '/api/subscribers'],
      ['DELETE', '/api/subscribers/00000000-0000-0000-0000-000000000000'],
      ['POST', '/api/newsletter/runs'],
      ['GET', '/api/newsletter/runs'],
      ['GET', '/api/newsletter/preview?categories=news'],
    ];
    for (const [method, url] of calls) {
      for (const headers of [{}, { authorization: 'Bearer not-the-admin-token-at-all' }] as Record<string, string>[]) {
        const res = await service.request(url, { method, headers, ...(method === 'POST' ? { json: [{ email: 'sneaky@example.org' }] } : {}) });
        assert.equal(res.status, 401, `${method} ${url}`);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    }
    assert.equal(service.ctx.store.newsletter.subscriberByEmail('sneaky@example.org'), undefined);
    assert.equal(service.ctx.store.newsletter.runs().length, 0);
  });

  it('imports 5,000 entries in one call: invalid and duplicate ones are skipped and counted; imported ones are confirmed and get the next digest', async () => {
    await importSubscribers(service, [{ email: 'already@example.org', categories: ['news'] }]);
    const valid = Array.from({ length: 4990 }, (_, i) => ({ email: `reader${i}@example.org`, ...(i % 500 === 0 ? { name: `Reader ${i}` } : {}), categories: [i < 25 ? 'news' : 'archive'] }));
    const invalid = [{ email: 'not-an-address' }, { email: 'a@b.org, c@d.org' }, { email: 'x@y.org\r\nBcc: z@evil.org' }, { email: 'fine@example.org', categories: ['no-such-category'] }];
    const duplicates = [{ email: 'READER1@example.org' }, { email: 'reader2@example.org' }, { email: 'reader3@example.org ' }, { email: 'reader4@EXAMPLE.org' }, { email: 'already@example.org' }];
    // 4,990 valid + 4 invalid + 5 duplicates, and one last duplicate at the very end: 5,000 in all.
    const list = [...valid.slice(0, 2000), ...invalid, ...duplicates, ...valid.slice(2000), { email: 'reader5@example.org' }];
    assert.equal(list.length, 5000);

    const result = await importSubscribers(service, list);
    assert.equal(result.imported, 4990);
    assert.equal(result.skipped, 10);
    assert.deepEqual([...new Set(result.errors.map((error) => error.index))].sort((a, b) => a - b), [2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 4999]);
    assert.ok(result.errors.some((error) => error.field.startsWith('categories')));

    const listed = await listSubscribers();
    const imported = listed.filter((entry) => /^reader\d+@example\.org$/.test(entry.email));
    assert.equal(imported.length, 4990);
    assert.ok(imported.every((entry) => entry.status === 'confirmed' && entry.source === 'import'));
    assert.equal(listed.find((entry) => entry.email === 'reader500@example.org')?.name, 'Reader 500');
    assert.ok(!listed.some((entry) => ['not-an-address', 'fine@example.org', 'x@y.org'].includes(entry.email)));

    // 25 of them follow `news`, which gets something new; the rest follow `archive`, which does not.
    const article = await publish(service, 'Imported readers welcome', ['News']);
    const before = mailed.sink.messages.length;
    const run = await runNewsletter(service);
    for (let i = 0; i < 25; i += 1) {
      const mails = mailsTo(mailed.sink, `reader${i}@example.org`, before);
      assert.equal(mails.length, 1, `reader${i} gets the digest`);
      assert.ok(mails[0]!.parsed.text?.includes(article.title));
    }
    assert.equal(run.counts.sent, 26, '25 imported readers and already@');
    assert.ok(run.counts.skipped >= 4965, 'the other imported readers were considered, with nothing new');
  });

  it('GET /api/newsletter/runs lists the runs, newest first, with their counts', async () => {
    await publish(service, 'Another news item', ['News']);
    const run = await runNewsletter(service);
    const runs = await listRuns();
    assert.ok(runs.length >= 2);
    assert.equal(runs[0]!.id, run.id);
    assert.equal(runs[0]!.trigger, 'manual');
    assert.equal(runs[0]!.status, 'finished');
    assert.ok(runs[0]!.finishedAt && runs[0]!.finishedAt >= runs[0]!.startedAt);
    assert.deepEqual(runs[0]!.counts, run.counts);
    assert.equal(runs[0]!.counts.sent, 26);
    for (const entry of runs) for (const key of ['sent', 'skipped', 'deferred', 'failed'] as const) assert.equal(typeof entry.counts[key], 'number');
    assert.ok(runs.every((entry, i) => i === 0 || entry.startedAt <= runs[i - 1]!.startedAt), 'newest first');
  });

  it('GET /api/newsletter/runs comes in pages: the newest first as before, then older ones through the Link header, each run once', async () => {
    for (let n = 0; n < 3; n += 1) await runNewsletter(service);
    const all = await listRuns();
    assert.ok(all.length >= 4);
    const seen: RunView[] = [];
    let pages = 0;
    for (let url: string | undefined = '/api/newsletter/runs?limit=2'; url; pages += 1) {
      const res = await service.request(url, { admin: true });
      assert.equal(res.status, 200);
      const page = (await res.json()) as RunView[];
      assert.ok(page.length <= 2);
      seen.push(...page);
      const next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      url = next && new URL(next).pathname + new URL(next).search;
    }
    assert.deepEqual(seen.map((run) => run.id), all.map((run) => run.id));
    assert.equal(pages, Math.ceil(all.length / 2));
    assert.equal((await service.request('/api/newsletter/runs?cursor=not%20a%20cursor', { admin: true })).status, 422);
  });

  it('DELETE /api/subscribers/:id erases the address and the name, from the API and the file on disk; run counts stay', async () => {
    await importSubscribers(service, [{ email: 'erin.erasable@example.org', name: 'Erin Erasable', categories: ['news'] }]);
    await publish(service, 'News for Erin', ['News']);
    await runNewsletter(service);
    assert.equal(mailsTo(mailed.sink, 'erin.erasable@example.org').length, 1);
    assert.ok((await storedText(service.dataDir)).includes('erin.erasable@example.org'), 'the address is on disk before');
    const runsBefore = await listRuns();

    const { id } = subscriber(service, 'erin.erasable@example.org');
    const res = await service.request(`/api/subscribers/${id}`, { method: 'DELETE', admin: true });
    assert.equal(res.status, 204);

    const listed = await listSubscribers();
    assert.ok(!listed.some((entry) => entry.id === id || entry.email === 'erin.erasable@example.org'));
    const onDisk = await storedText(service.dataDir);
    assert.ok(!onDisk.includes('erin.erasable@example.org'), 'the address is gone from every store file');
    assert.ok(!onDisk.includes('Erin Erasable'), 'the name is gone from every store file');
    assert.deepEqual(await listRuns(), runsBefore, 'run history and counts are unchanged');
    assert.equal((await service.request(`/api/subscribers/${id}`, { method: 'DELETE', admin: true })).status, 404);

    await publish(service, 'More news after Erin left', ['News']);
    const before = mailed.sink.attempts.length;
    await runNewsletter(service);
    assert.ok(mailed.sink.attempts.slice(before).every((attempt) => attempt.rcptTo.every((address) => !address.startsWith('erin'))));
  });

  it('GET /api/newsletter/preview shows the new articles of the chosen categories; an unknown category is 422', async () => {
    await runNewsletter(service); // the preview shows what is new since the last run
    await publish(service, 'Zeta launches', ['Zeta']);
    const news = await publish(service, 'Preview this headline', ['News']);
    const zeta = service.ctx.store.articles.bySlug('zeta-launches');
    assert.ok(zeta);
    const res = await service.request('/api/newsletter/preview?categories=news,zeta', { admin: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-notiziario-preview'), 'next');
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.ok(html.includes(news.title) && html.includes(zeta.title));
    assert.ok(!html.includes('About the archive'));

    const unknown = await service.request('/api/newsletter/preview?categories=news,nope', { admin: true });
    assert.equal(unknown.status, 422);
    const problem = (await unknown.json()) as { errors?: { field: string }[] };
    assert.deepEqual(problem.errors?.map((error) => error.field), ['categories.1']);
  });

  it('GET /api/newsletter/preview of categories with nothing new since the last run shows a sample of their latest articles, marked as such in the page and in X-Notiziario-Preview', async () => {
    // The archive's only article came before every run of this file.
    const res = await service.request('/api/newsletter/preview?categories=archive', { admin: true });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('x-notiziario-preview'), 'sample');
    const html = await res.text();
    assert.ok(html.includes('About the archive'), 'the latest article of the category');
    assert.ok(!html.includes('Preview this headline'), 'of that category only');
    assert.match(html, /SAMPLE · Nothing new since/);
  });
});

/** The text of everything the store keeps: DATA_DIR's files, and the database's rows on PostgreSQL. */
async function storedText(dataDir: string): Promise<string> {
  return (await storedTexts(dataDir)).map((stored) => stored.text).join('\n');
}
