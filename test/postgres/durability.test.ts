// On PostgreSQL as on the embedded store: an acknowledged write survives a SIGKILL, a write the
// database refuses is answered 500 and changes nothing anyone can see (and the next one is taken),
// and a newsletter run that cannot be recorded sends nothing.
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { createDatabaseFor } from '../helpers/database.js';
import { ADMIN_TOKEN, createTestClock, makeDataDir, startTestService, type TestService } from '../helpers/service.js';
import { importSubscribers, publish, startMailedService } from '../newsletter/fixtures.js';

const article = (title: string) => ({ title, contentHtml: `<p>${title}</p>`, categories: ['Cronaca'] });

/** Makes the database refuse every write to `table` until the returned function is called. */
async function refuseWrites(databaseUrl: string, table: string): Promise<() => Promise<void>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  await sql.unsafe(`create or replace function refuse_writes() returns trigger language plpgsql as $$ begin raise exception 'the disk is full (a test)'; end $$;
                    create trigger refuse_writes before insert or update or delete on ${table} for each row execute function refuse_writes();`);
  return async () => {
    await sql.unsafe(`drop trigger refuse_writes on ${table}`);
    await sql.end();
  };
}

describe('PostgreSQL: durability and refused writes', function () {
  this.timeout(120_000);

  it('SIGKILL right after a 201: a restart on the same database has every acknowledged article (twice)', async () => {
    const dataDir = await makeDataDir();
    const databaseUrl = await createDatabaseFor(dataDir);
    for (let round = 1; round <= 2; round += 1) {
      const service: ChildService = await spawnService(dataDir, { DATABASE_URL: databaseUrl });
      const acknowledged: string[] = [];
      const posts = Array.from({ length: 4 }, (_, n) =>
        fetch(`${service.url}/api/articles`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(article(`Crash ${round}.${n}`)) }).then(async (res) => {
          if (res.status !== 201) return;
          acknowledged.push(((await res.json()) as { id: string }).id);
          service.child.kill('SIGKILL');
        }),
      );
      await Promise.allSettled(posts);
      assert.equal((await service.exited).signal, 'SIGKILL');
      assert.ok(acknowledged.length >= 1, 'at least one 201 arrived');
      // The child wrote with the real clock: the articles are due now, not at the test clock's instant.
      const reopened = await startTestService({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }, { clock: createTestClock(new Date()) });
      for (const id of acknowledged) assert.equal((await reopened.request(`/api/articles/${id}`)).status, 200, `round ${round}: article ${id}`);
      await reopened.stop();
    }
  });

  describe('a write the database refuses', () => {
    let service: TestService;
    let databaseUrl: string;
    beforeEach(async () => {
      // This folder runs with TEST_STORE=postgres: every service has a database of its own.
      service = await startTestService();
      databaseUrl = service.ctx.config.databaseUrl!;
      assert.equal((await service.request('/api/articles', { method: 'POST', admin: true, json: article('Prima') })).status, 201);
    });
    afterEach(() => service.stop());

    it('an article: 500, not in /rss.xml nor the API; the retry works once the database does', async () => {
      const allow = await refuseWrites(databaseUrl, 'records');
      const refused = await service.request('/api/articles', { method: 'POST', admin: true, json: article('Mai pubblicato') });
      assert.equal(refused.status, 500);
      assert.ok(!(await (await service.request('/rss.xml')).text()).includes('Mai pubblicato'));
      const listed = (await (await service.request('/api/articles')).json()) as { items: { title: string }[] };
      assert.deepEqual(listed.items.map((item) => item.title), ['Prima']);
      const { id } = (await (await service.request('/api/articles/prima')).json()) as { id: string };
      assert.equal((await service.request(`/api/articles/${id}`, { method: 'PATCH', admin: true, json: { title: 'Cambiato' } })).status, 500);
      assert.equal(((await (await service.request(`/api/articles/${id}`)).json()) as { title: string }).title, 'Prima');

      await allow();
      const retried = await service.request('/api/articles', { method: 'POST', admin: true, json: article('Mai pubblicato') });
      assert.equal(retried.status, 201);
      assert.equal(((await retried.json()) as { slug: string }).slug, 'mai-pubblicato', 'the refused write did not keep its slug');
      assert.ok((await (await service.request('/rss.xml')).text()).includes('Mai pubblicato'));
    });
  });

  it('a newsletter run whose deliveries cannot be recorded sends nothing, and the next run sends each digest once', async () => {
    const dataDir = await makeDataDir();
    const databaseUrl = await createDatabaseFor(dataDir);
    const mailed = await startMailedService({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
    try {
      await importSubscribers(mailed.service, [{ email: 'uno@example.org' }, { email: 'due@example.org' }]);
      await publish(mailed.service, 'Notizia del giorno', ['Notizie']);
      const allow = await refuseWrites(databaseUrl, 'deliveries');
      const refused = await mailed.service.request('/api/newsletter/runs', { method: 'POST', admin: true });
      assert.equal(refused.status, 500);
      assert.equal(mailed.sink.messages.length, 0, 'nothing was sent');
      await allow();
      const run = await mailed.service.request('/api/newsletter/runs', { method: 'POST', admin: true });
      assert.equal(run.status, 200, await run.clone().text());
      const perRecipient = mailed.sink.messages.flatMap((mail) => mail.rcptTo).sort();
      assert.deepEqual(perRecipient, ['due@example.org', 'uno@example.org']);
    } finally {
      await mailed.stop();
    }
  });
});
