// The store on disk: data survives a restart, a crash (SIGKILL) and a graceful stop; the file
// carries its schema version, older files are migrated and newer ones refused.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StoreLockedError } from '../../src/store/lock.js';
import { CONTENT_SNAPSHOT } from '../../src/store/schema.js';
import { openStore } from '../../src/store/store.js';
import { spawnService } from '../helpers/child-service.js';
import { ADMIN_TOKEN, createTestClock, makeDataDir, startTestService, type TestService } from '../helpers/service.js';

/** The content store inside DATA_DIR. */
const STORE_FILE = 'notiziario.json';

interface StoredArticle {
  id: string;
  slug: string;
  title: string;
}

interface StoreFile {
  schemaVersion?: number;
  articles: StoredArticle[];
  categories: { slug: string; name: string }[];
}

async function readStore(dataDir: string): Promise<StoreFile> {
  return JSON.parse(await readFile(path.join(dataDir, STORE_FILE), 'utf8')) as StoreFile;
}

async function postArticle(url: string, title: string, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${url}/api/articles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title, contentHtml: `<p>${title}</p>`, categories: ['Archivio'] }),
  });
}

describe('store persistence', () => {
  const dataDirs: string[] = [];
  const services: TestService[] = [];

  async function dataDir(): Promise<string> {
    const dir = await makeDataDir();
    dataDirs.push(dir);
    return dir;
  }

  /** A test service on an existing DATA_DIR; `now` for data written by the real process's clock. */
  async function start(dir: string, now?: Date): Promise<TestService> {
    const service = await startTestService({ DATA_DIR: dir }, now ? { clock: createTestClock(now) } : {});
    services.push(service);
    return service;
  }

  async function stop(service: TestService): Promise<void> {
    services.splice(services.indexOf(service), 1);
    await service.stop();
  }

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
    for (const dir of dataDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('an article and its slug survive a restart', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    const created = (await (await postArticle(first.url, 'Resiste al riavvio')).json()) as StoredArticle;
    await stop(first);
    const second = await start(dir);
    const res = await second.request(`/api/articles/${created.slug}`);
    assert.equal(res.status, 200);
    const article = (await res.json()) as StoredArticle;
    assert.equal(article.id, created.id);
    assert.equal(article.title, 'Resiste al riavvio');
    assert.equal((await second.request('/categories/archivio/feed.json')).status, 200);
  });

  it('the file on disk carries its schemaVersion, and holds the articles once compacted', async () => {
    const dir = await dataDir();
    const service = await start(dir);
    assert.equal((await postArticle(service.url, 'Versionato')).status, 201);
    await service.ctx.store.compact();
    const stored = await readStore(dir);
    assert.equal(typeof stored.schemaVersion, 'number');
    assert.ok(stored.schemaVersion! >= 1);
    assert.deepEqual(stored.articles.map((article) => article.title), ['Versionato']);
  });

  it('a file without schemaVersion (version 0) is migrated on open, keeping its data', async () => {
    const dir = await dataDir();
    const article = {
      id: '0b7f8a52-6a55-4c2f-9d0e-2f1f3c4b5a69',
      slug: 'dal-vecchio-archivio',
      title: 'Dal vecchio archivio',
      summary: 'Un articolo di prima.',
      contentHtml: '<p>Un articolo di prima.</p>',
      author: 'Redazione',
      categories: ['storia'],
      publishedAt: '2026-01-10T08:00:00.000Z',
      updatedAt: '2026-01-10T08:00:00.000Z',
      status: 'published',
    };
    await writeFile(path.join(dir, STORE_FILE), JSON.stringify({ articles: [article], categories: [{ slug: 'storia', name: 'Storia' }] }));
    const service = await start(dir);
    const stored = await readStore(dir);
    assert.equal(stored.schemaVersion, CONTENT_SNAPSHOT.version, 'migrated through every version');
    assert.deepEqual((stored as { retiredSlugs?: string[] }).retiredSlugs, [], 'version 2 adds the retired slugs');
    assert.deepEqual(stored.articles.map((a) => a.id), [article.id]);
    const res = await service.request('/api/articles/dal-vecchio-archivio');
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { categories: unknown }).categories, [{ slug: 'storia', name: 'Storia' }]);
  });

  it('a file with a newer schemaVersion is refused with a clear error, and left as it was', async () => {
    const dir = await dataDir();
    const newer = JSON.stringify({ schemaVersion: 9999, articles: [], categories: [], futureField: true });
    await writeFile(path.join(dir, STORE_FILE), newer);
    await assert.rejects(startTestService({ DATA_DIR: dir }), (err: Error) => {
      assert.match(err.message, /schema version 9999/);
      return true;
    });
    assert.equal(await readFile(path.join(dir, STORE_FILE), 'utf8'), newer);
  });

  it('30 parallel creations all land, and are all there after a restart', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => postArticle(first.url, `Parallelo numero ${n + 1}`)));
    assert.deepEqual(answers.map((res) => res.status), Array(30).fill(201));
    const ids = await Promise.all(answers.map(async (res) => ((await res.json()) as StoredArticle).id));
    await stop(first);
    const second = await start(dir);
    const list = (await (await second.request('/api/articles?limit=100')).json()) as { items: StoredArticle[] };
    assert.equal(new Set(list.items.map((item) => item.id)).size, 30);
    assert.deepEqual(list.items.map((item) => item.id).sort(), [...ids].sort());
  });

  describe('the real process', () => {
    const children: ChildProcess[] = [];

    afterEach(() => {
      for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    it('SIGKILL right after a 201: every file parses and a restart has every acknowledged article (5 times)', async function () {
      this.timeout(120_000);
      for (let round = 1; round <= 5; round += 1) {
        const dir = await dataDir();
        const service = await spawnService(dir);
        children.push(service.child);
        // Several writes in flight; the process dies as soon as the first is acknowledged.
        const acknowledged: StoredArticle[] = [];
        const posts = Array.from({ length: 4 }, (_, n) =>
          postArticle(service.url, `Crash ${round}.${n}`).then(async (res) => {
            if (res.status !== 201) return;
            acknowledged.push((await res.json()) as StoredArticle);
            service.child.kill('SIGKILL');
          }),
        );
        await Promise.allSettled(posts);
        assert.equal((await service.exited).signal, 'SIGKILL');
        assert.ok(acknowledged.length >= 1, 'at least one 201 arrived');
        await readStore(dir);
        const reopened = await start(dir, new Date());
        for (const article of acknowledged) assert.equal((await reopened.request(`/api/articles/${article.slug}`)).status, 200);
        await stop(reopened);
      }
    });

    it('SIGTERM stops it gracefully: exit code 0, the data is there', async function () {
      this.timeout(60_000);
      const dir = await dataDir();
      const service = await spawnService(dir);
      children.push(service.child);
      const res = await postArticle(service.url, 'Prima dello stop');
      assert.equal(res.status, 201);
      const created = (await res.json()) as StoredArticle;
      service.child.kill('SIGTERM');
      assert.deepEqual(await service.exited, { code: 0, signal: null }, service.stderr());
      const reopened = await start(dir, new Date());
      assert.equal((await reopened.request(`/api/articles/${created.id}`)).status, 200);
    });
  });
});

describe('store: the DATA_DIR lock', () => {
  it('refuses a second live process, and takes over a lock left by a dead one, our own pid, or another boot', async () => {
    const dataDir = await makeDataDir();
    const lockFile = path.join(dataDir, 'notiziario.lock');

    // A live process other than us: the parent of this test runner always exists.
    await writeFile(lockFile, `${process.ppid}\n`);
    await assert.rejects(openStore(dataDir), StoreLockedError);

    for (const stale of ['999999999', `${process.pid}`, `${process.ppid} another-boot-id`]) {
      await writeFile(lockFile, `${stale}\n`);
      const store = await openStore(dataDir);
      assert.match(await readFile(lockFile, 'utf8'), new RegExp(`^${process.pid} `));
      await store.close();
    }
    await rm(dataDir, { recursive: true, force: true });
  });
});
