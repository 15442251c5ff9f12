// A SIGKILL while a fetch is being imported: after the restart the next fetch imports what was
// missing, and no item becomes two articles (an article carries its item's identity in its own write).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { ADMIN_TOKEN, makeDataDir } from '../helpers/service.js';
import { startUpstream } from '../helpers/upstream.js';

const ITEMS = 120;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

function feed(count: number): string {
  const items = Array.from({ length: count }, (_, n) => `<item><title>Item ${n}</title><guid>item-${n}</guid><link>https://up.example/${n}</link><pubDate>${new Date(Date.UTC(2026, 10, 1) + n * 60_000).toUTCString()}</pubDate><description><![CDATA[<p>${'Text '.repeat(200)}${n}</p>]]></description></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Up</title><link>https://up.example/</link><description>x</description>${items.join('')}</channel></rss>`;
}

async function titles(url: string): Promise<string[]> {
  const body = (await (await fetch(`${url}/api/articles?limit=100`)).json()) as { items: { title: string }[]; next: string | null };
  const all = body.items.map((item) => item.title);
  for (let next = body.next; next; ) {
    const page = (await (await fetch(next)).json()) as { items: { title: string }[]; next: string | null };
    all.push(...page.items.map((item) => item.title));
    next = page.next;
  }
  // The demo articles of a first start are not the source's.
  return all.filter((title) => title.startsWith('Item '));
}

describe('ingest across a crash', function () {
  this.timeout(120_000);
  const children: ChildService[] = [];
  afterEach(() => {
    for (const { child } of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('a SIGKILL during a fetch loses nothing and duplicates nothing', async () => {
    const upstream = await startUpstream();
    let count = 2;
    upstream.set('/feed.xml', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(count)));
    try {
      const dataDir = await makeDataDir();
      const first = await spawnService(dataDir, { ALLOW_PRIVATE_NETWORKS: 'true' });
      children.push(first);
      const added = await fetch(`${first.url}/api/sources`, { method: 'POST', headers: admin, body: JSON.stringify({ url: `${upstream.url}/feed.xml` }) });
      assert.equal(added.status, 201);
      const { id } = (await added.json()) as { id: string };

      count = ITEMS;
      void fetch(`${first.url}/api/sources/${id}/fetch`, { method: 'POST', headers: admin }).catch(() => undefined);
      // Killed once the import is under way, before it can have finished.
      for (let tries = 0; tries < 2000 && (await titles(first.url)).length <= 2; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
      first.child.kill('SIGKILL');
      await first.exited;

      const second = await spawnService(dataDir, { ALLOW_PRIVATE_NETWORKS: 'true' });
      children.push(second);
      const before = await titles(second.url);
      assert.ok(before.length > 2 && before.length < ITEMS, `killed mid-import (${before.length} of ${ITEMS} imported)`);
      assert.equal((await fetch(`${second.url}/api/sources/${id}/fetch`, { method: 'POST', headers: admin })).status, 200);
      const after = await titles(second.url);
      assert.equal(after.length, ITEMS);
      assert.equal(new Set(after).size, ITEMS, 'no item twice');
    } finally {
      await upstream.close();
    }
  });
});
