// The hub's WebSub subscriptions as the console shows them (admins only).
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';
import { startSubscriber, subscribe, type TestSubscriber } from '../helpers/websub-subscriber.js';
import { addAccount, signedIn } from './console-client.js';

describe('console WebSub subscriptions', function () {
  this.timeout(30_000);
  let service: TestService;
  let subscriber: TestSubscriber;

  beforeEach(async () => {
    service = await startTestService({ ALLOW_PRIVATE_NETWORKS: 'true' });
    subscriber = await startSubscriber();
    await addAccount(service, 'admin@example.org', 'admin');
    await addAccount(service, 'editor@example.org', 'editor');
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
    await subscriber.close();
  });

  it('lists each verified subscription with its feed, callback, state and lease; editors get 403', async () => {
    const admin = await signedIn(service, 'admin@example.org');
    assert.match(await (await admin.get('/admin/websub')).text(), /Ancora nessuna iscrizione/);
    await subscribe(service, `${service.url}/rss.xml`, subscriber.url());
    const page = await (await admin.get('/admin/websub')).text();
    assert.match(page, new RegExp(`<td class="console-link">${service.url}/rss.xml</td><td class="console-link">${subscriber.url()}</td><td>attiva</td>`));
    assert.match(page, /<time datetime="2026-12-07T09:00:00.000Z">/, 'a lease of ten days from the clock');
    const editor = await signedIn(service, 'editor@example.org');
    assert.equal((await editor.get('/admin/websub')).status, 403);
    assert.doesNotMatch(await (await editor.get('/admin/articles')).text(), /href="\/admin\/websub"/, 'not in an editor\'s navigation');
  });
});
