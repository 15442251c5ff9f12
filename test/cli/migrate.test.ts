// `npm run migrate -- --to-postgres`: a DATA_DIR filled through a real service is copied into a
// fresh PostgreSQL database, and a service on that database serves the same site, list and runs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { create, idsOf, readFeeds } from '../feeds/feed-helpers.js';
import { createDatabaseFor, dropDatabaseFor } from '../helpers/database.js';
import { ADMIN_TOKEN, createTestClock, startTestService, type TestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { startSubscriber, subscribe, type TestSubscriber } from '../helpers/websub-subscriber.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'test-secret-0123456789abcdef';
const run = promisify(execFile);
/** Later than every article the source service wrote: they are all published by then. */
const later = () => ({ clock: createTestClock('2026-11-28T09:00:00Z') });

function migrate(dataDir: string, env: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/migrate.ts', '--to-postgres'], { cwd: ROOT, env: { PATH: process.env.PATH, DATA_DIR: dataDir, ADMIN_TOKEN, SECRET, ...env } });
}

/** The CLI's outcome, failed or not: its exit code and what it said. */
async function outcome(dataDir: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return migrate(dataDir, env).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
}

/** The counts table the CLI printed: collection → [DATA_DIR, PostgreSQL]. */
function countsOf(stdout: string): Map<string, [number, number]> {
  return new Map([...stdout.matchAll(/^(\w+) +(\d+) +(\d+)$/gm)].map(([, name, read, stored]) => [name!, [Number(read), Number(stored)]]));
}

const listed = async (service: TestService, api: string) => ((await (await service.request(api, { admin: true })).json()) as { items: Record<string, unknown>[] }).items;
const runs = async (service: TestService) => (await (await service.request('/api/newsletter/runs', { admin: true })).json()) as Record<string, unknown>[];

/** What a reader and the publisher see of a service. */
async function whatItServes(service: TestService) {
  return {
    feeds: idsOf(await readFeeds(service)),
    cultura: idsOf(await readFeeds(service, '/categories/cultura')),
    subscribers: await listed(service, '/api/subscribers'),
    runs: await runs(service),
    websub: (await listed(service, '/api/websub/subscriptions')).map(({ topic, callback, state }) => ({ topic, callback, state })),
  };
}

/** Subscriber rows with this address in the database (a connection of its own, closed at once: the migration wants none open). */
async function storedWithEmail(url: string, email: string): Promise<number> {
  const sql = postgres(url, { max: 1 });
  try {
    return (await sql`select 1 from records where collection = 'subscribers' and record->>'email' = ${email}`).length;
  } finally {
    await sql.end();
  }
}

describe('npm run migrate -- --to-postgres', function () {
  this.timeout(120_000);
  let sink: SmtpSink;
  let hubSubscriber: TestSubscriber;
  let source: TestService;
  let databaseUrl: string;
  let retiredPath: string;

  before(async () => {
    sink = await startSmtpSink();
    hubSubscriber = await startSubscriber();
    // The embedded store, whatever store the suite runs on: that is what is migrated.
    source = await startTestService({ DATABASE_URL: '', SMTP_URL: sink.url, ALLOW_PRIVATE_NETWORKS: 'true' });
    const imported = await source.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'uno@example.org' }, { email: 'due@example.org' }] });
    assert.equal((await imported.json()).imported, 2);
    assert.equal((await source.request('/api/subscriptions', { method: 'POST', json: { email: 'tre@example.org' } })).status, 202);
    await create(source, { title: 'Primo', categories: ['Cultura'] });
    await create(source, { title: 'Secondo', categories: ['Sport'] });
    const deleted = await create(source, { title: 'Da togliere', categories: ['Cultura'] });
    assert.equal((await source.request(`/api/articles/${deleted.id}`, { method: 'DELETE', admin: true })).status, 204);
    retiredPath = new URL(deleted.url).pathname;
    const newsletterRun = await source.request('/api/newsletter/runs', { method: 'POST', admin: true });
    assert.equal((await newsletterRun.json()).counts.sent, 2);
    await subscribe(source, `${source.url}/atom.xml`, hubSubscriber.url());
    assert.equal((await source.request('/api/accounts', { method: 'POST', admin: true, json: { email: 'redazione@example.org', role: 'editor' } })).status, 201);
    await source.stop();
    databaseUrl = await createDatabaseFor(`${source.dataDir}#migrated`);
  });

  after(async () => {
    await dropDatabaseFor(`${source.dataDir}#migrated`);
    // The suite on PostgreSQL made one for the source service too, unused since it ran embedded.
    await dropDatabaseFor(source.dataDir);
    await rm(source.dataDir, { recursive: true, force: true });
    await hubSubscriber.close();
    await sink.close();
  });

  it('copies every collection and the run’s deliveries, and a service on the database serves the same site, list and runs', async () => {
    const before = await startTestService({ DATA_DIR: source.dataDir, DATABASE_URL: '', SMTP_URL: sink.url }, later());
    const expected = await whatItServes(before);
    await before.stop();
    assert.equal(expected.feeds.atom.length, 2);

    const { stdout } = await migrate(source.dataDir, { DATABASE_URL: databaseUrl });
    const counts = countsOf(stdout);
    assert.deepEqual(Object.fromEntries(counts), {
      categories: [2, 2],
      retiredSlugs: [1, 1],
      articles: [2, 2],
      subscribers: [3, 3],
      runs: [1, 1],
      websubTopics: [counts.get('websubTopics')![0], counts.get('websubTopics')![0]],
      websubSubscriptions: [1, 1],
      sources: [0, 0],
      accounts: [1, 1],
      sessions: [0, 0],
      auditEntries: [counts.get('auditEntries')![0], counts.get('auditEntries')![0]],
      deliveries: [2, 2],
    });
    assert.ok(counts.get('auditEntries')![0] > 0, 'the account’s creation is in the audit log');

    const again = await migrate(source.dataDir, { DATABASE_URL: databaseUrl });
    assert.deepEqual(countsOf(again.stdout), counts, 'a second migration leaves the same counts: nothing doubled');

    const migrated = await startTestService({ DATA_DIR: source.dataDir, DATABASE_URL: databaseUrl, SMTP_URL: sink.url }, later());
    try {
      assert.deepEqual(await whatItServes(migrated), expected);
      assert.equal((await migrated.request(retiredPath)).status, 410, 'the deleted article’s address is still gone');
      const [newsletterRun] = await runs(migrated);
      assert.deepEqual((await migrated.ctx.store.newsletter.tallyDeliveries(newsletterRun!.id as string)).sent, 2);
      assert.equal(migrated.ctx.store.accounts.accountByEmail('redazione@example.org')?.role, 'editor');
      assert.deepEqual(expected.subscribers.map((subscriber) => [subscriber.email, subscriber.status]).sort(), [['due@example.org', 'confirmed'], ['tre@example.org', 'pending'], ['uno@example.org', 'confirmed']]);

      const refused = await outcome(source.dataDir, { DATABASE_URL: databaseUrl });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /other connection\(s\) to this database \(a running Notiziario instance\?\): stop them/);
    } finally {
      await migrated.stop();
    }
  });

  it('takes away what DATA_DIR no longer holds when run again (an erased subscriber)', async () => {
    await migrate(source.dataDir, { DATABASE_URL: databaseUrl });
    assert.equal(await storedWithEmail(databaseUrl, 'uno@example.org'), 1);
    const service = await startTestService({ DATA_DIR: source.dataDir, DATABASE_URL: '', SMTP_URL: sink.url });
    const [uno] = (await listed(service, '/api/subscribers')).filter((subscriber) => subscriber.email === 'uno@example.org');
    assert.equal((await service.request(`/api/subscribers/${uno!.id}`, { method: 'DELETE', admin: true })).status, 204);
    await service.stop();
    await migrate(source.dataDir, { DATABASE_URL: databaseUrl });
    assert.equal(await storedWithEmail(databaseUrl, 'uno@example.org'), 0, 'the erased subscriber is gone from the database too');
  });

  it('refuses a database that instances have written to, since copying over it would undo their changes', async () => {
    const service = await startTestService({ DATA_DIR: source.dataDir, DATABASE_URL: databaseUrl }, later());
    await create(service, { title: 'Scritto su PostgreSQL' });
    await service.stop();
    const refused = await outcome(source.dataDir, { DATABASE_URL: databaseUrl });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /instances have already written to this database: .* nothing was copied/);
  });

  it('refuses without DATABASE_URL, saying what it is for', async () => {
    const refused = await outcome(source.dataDir, {});
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /^migrate: DATABASE_URL is not set: it names the PostgreSQL database to copy .* into/);
  });

  it('refuses while the service runs on DATA_DIR, and says to stop it', async () => {
    const service = await startTestService({ DATA_DIR: source.dataDir, DATABASE_URL: '' });
    try {
      const refused = await outcome(source.dataDir, { DATABASE_URL: databaseUrl });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /the service \(pid \d+\) is running on .*: stop it, then migrate/);
    } finally {
      await service.stop();
    }
  });

  it('warns when SECRET is not the one DATA_DIR signed its links with', async () => {
    await writeFile(path.join(source.dataDir, 'secret'), 'the-secret-this-data-dir-generated\n');
    try {
      const refused = await outcome(source.dataDir, { DATABASE_URL: databaseUrl });
      assert.match(refused.stderr, /warning: SECRET differs from .*secret, which signed the links already mailed/);
    } finally {
      await rm(path.join(source.dataDir, 'secret'));
    }
  });
});
