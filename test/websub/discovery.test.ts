// WebSub discovery (§4) on every feed: the Link header on 200, 304 and HEAD, and the hub in the
// body of RSS, Atom and JSON Feed; hubs named in WEBSUB_HUBS are advertised beside ours.
import assert from 'node:assert/strict';
import { create, FORMATS, type Format } from '../feeds/feed-helpers.js';
import { startTestService, type TestService } from '../helpers/service.js';

const EXTERNAL_HUB = 'https://hub.example.net/';

describe('WebSub discovery', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService({ WEBSUB_HUBS: EXTERNAL_HUB });
    await create(service, { title: 'Primo', categories: ['Cultura'] });
  });

  after(() => service.stop({ removeData: true }));

  for (const prefix of ['', '/categories/cultura']) {
    for (const format of Object.keys(FORMATS) as Format[]) {
      const path = `${prefix}/${FORMATS[format]}`;
      it(`${path}: Link rel=hub and rel=self on 200, 304 and HEAD, and the hubs in the body`, async () => {
        const hub = `${service.url}/websub`;
        const expected = `<${hub}>; rel="hub", <${EXTERNAL_HUB}>; rel="hub", <${service.url}${path}>; rel="self"`;
        const ok = await service.request(path);
        assert.equal(ok.status, 200);
        assert.equal(ok.headers.get('link'), expected);
        const body = await ok.text();
        const notModified = await service.request(path, { headers: { 'if-none-match': ok.headers.get('etag')! } });
        assert.equal(notModified.status, 304);
        assert.equal(notModified.headers.get('link'), expected);
        const head = await service.request(path, { method: 'HEAD' });
        assert.equal(head.headers.get('link'), expected);
        const page2 = await service.request(`${path}?page=1`);
        assert.equal(page2.headers.get('link'), expected, 'the topic is the first page whatever the query');

        if (format === 'json') {
          assert.deepEqual((JSON.parse(body) as { hubs: unknown }).hubs, [
            { type: 'WebSub', url: hub },
            { type: 'WebSub', url: EXTERNAL_HUB },
          ]);
        } else {
          const tag = format === 'rss' ? 'atom:link' : 'link';
          assert.ok(body.includes(`<${tag} rel="hub" href="${hub}"/>`), body.slice(0, 800));
          assert.ok(body.includes(`<${tag} rel="hub" href="${EXTERNAL_HUB}"/>`));
        }
      });
    }
  }
});
