// The admin's list at scale: GET /api/subscribers is paged with a cursor and filters by status,
// and a large import keeps the service answering while it is checked and written.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startTestService, type TestService } from '../helpers/service.js';

interface Page {
  items: { id: string; email: string; status: string }[];
  next: string | null;
}

describe('newsletter: the subscriber list at scale', () => {
  let service: TestService;

  beforeEach(async () => {
    service = await startTestService();
  });
  afterEach(async () => {
    await service.stop();
    await rm(service.dataDir, { recursive: true, force: true });
  });

  const page = async (query: string) => {
    const res = await service.request(`/api/subscribers${query}`, { admin: true });
    assert.equal(res.status, 200);
    return { body: (await res.json()) as Page, link: res.headers.get('link') };
  };

  it('GET /api/subscribers pages with a cursor (next and a Link header) and filters by status', async () => {
    const list = Array.from({ length: 25 }, (_, n) => ({ email: `reader${n}@example.org` }));
    assert.equal((await service.request('/api/subscribers', { method: 'POST', admin: true, json: list })).status, 200);
    const gone = service.ctx.store.newsletter.subscriberByEmail('reader7@example.org')!;
    await service.ctx.store.newsletter.updateSubscriber(gone.id, { status: 'unsubscribed' });

    const seen: string[] = [];
    let query = '?limit=10';
    for (let pages = 1; ; pages += 1) {
      const { body, link } = await page(query);
      seen.push(...body.items.map((item) => item.email));
      if (!body.next) {
        assert.equal(link, null, 'no Link header on the last page');
        assert.equal(pages, 3);
        break;
      }
      assert.equal(link, `<${body.next}>; rel="next"`);
      assert.ok(body.items.length === 10);
      query = new URL(body.next).search;
    }
    assert.deepEqual([...seen].sort(), list.map((entry) => entry.email).sort(), 'every subscriber once, none twice');

    const unsubscribed = await page('?status=unsubscribed');
    assert.deepEqual(unsubscribed.body.items.map((item) => item.email), ['reader7@example.org']);
    assert.equal((await page('?status=confirmed&limit=100')).body.items.length, 24);
    assert.equal((await service.request('/api/subscribers?cursor=nonsense', { admin: true })).status, 422);
  });

  it('an import of 100,000 subscribers does not hold the event loop: /healthz is answered meanwhile', async function () {
    this.timeout(120_000);
    const list = Array.from({ length: 100_000 }, (_, n) => ({ email: `bulk${n}@example.org` }));
    const importing = service.request('/api/subscribers', { method: 'POST', admin: true, json: list });
    let answered = 0;
    let done = false;
    void importing.finally(() => (done = true));
    while (!done) {
      if ((await service.request('/healthz')).status === 200) answered += 1;
    }
    const result = (await (await importing).json()) as { imported: number };
    assert.equal(result.imported, 100_000);
    assert.ok(answered >= 3, `/healthz answered ${answered} times during the import`);
    // How long the loop is held at most is a figure for the benchmark (shared machines are noisy).
  });
});
