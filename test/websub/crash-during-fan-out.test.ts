// At-least-once pushes: a SIGKILL while a new article is being pushed to its subscribers, and
// every subscriber that had not acknowledged it gets the body once the service is back.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OUTBOUND_SOCKETS_PER_ORIGIN } from '../../src/net/outbound.js';
import { spawnService, type ChildService } from '../helpers/child-service.js';
import { ADMIN_TOKEN, makeDataDir } from '../helpers/service.js';

const SUBSCRIBERS = 20;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 1200; tries += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

describe('WebSub pushes across a crash', function () {
  // Two starts of the real process on a shared 2-core machine.
  this.timeout(120_000);
  const children: ChildService[] = [];
  afterEach(() => {
    for (const { child } of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('a SIGKILL during a fan-out: every subscriber gets the new article after the restart', async () => {
    // Before the crash, pushes are held unanswered (never acknowledged); after it, answered 200.
    let answering = false;
    const held: ServerResponse[] = [];
    const received = new Map<string, string[]>();
    const subscriber = createServer((req, res) => {
      const url = new URL(req.url!, 'http://subscriber');
      if (req.method === 'GET') return void res.end(url.searchParams.get('hub.challenge'));
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.set(url.pathname, [...(received.get(url.pathname) ?? []), `${answering ? 'after' : 'before'}:${body}`]);
        if (answering) res.end();
        else held.push(res);
      });
    });
    await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
    const callback = (n: number) => `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/cb/${n}`;

    try {
      const dataDir = await makeDataDir();
      const first = await spawnService(dataDir, { ALLOW_PRIVATE_NETWORKS: 'true' });
      children.push(first);
      const post = (title: string, url: string) => fetch(`${url}/api/articles`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ title, contentHtml: '<p>Testo</p>', categories: ['Cronaca'] }) });
      assert.equal((await post('Primo', first.url)).status, 201);
      const topic = `${first.url}/categories/cronaca/rss.xml`;
      for (let n = 0; n < SUBSCRIBERS; n += 1) {
        const res = await fetch(`${first.url}/websub`, { method: 'POST', body: new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback(n) }) });
        assert.equal(res.status, 202, await res.clone().text());
      }
      const listed = async (url: string) => ((await (await fetch(`${url}/api/websub/subscriptions`, { headers: admin })).json()) as { items: unknown[] }).items.length;
      await until(async () => (await listed(first.url)) === SUBSCRIBERS, 'every subscription verified');

      assert.equal((await post('Notizia della crisi', first.url)).status, 201);
      // Every callback is on one origin: as many pushes as it may have connections are under way, the rest wait their turn.
      await until(() => held.length === Math.min(SUBSCRIBERS, OUTBOUND_SOCKETS_PER_ORIGIN), 'pushes under way');
      first.child.kill('SIGKILL');
      await first.exited;
      for (const res of held) res.destroy();

      answering = true;
      const second = await spawnService(dataDir, { ALLOW_PRIVATE_NETWORKS: 'true', PORT: new URL(first.url).port });
      children.push(second);
      await until(() => [...received.values()].filter((bodies) => bodies.some((body) => body.startsWith('after:'))).length === SUBSCRIBERS, 'every subscriber pushed after the restart');
      for (const [path, bodies] of received) assert.match(bodies.find((body) => body.startsWith('after:'))!, /Notizia della crisi/, path);
    } finally {
      subscriber.closeAllConnections();
      await new Promise((resolve) => subscriber.close(resolve));
    }
  });
});
