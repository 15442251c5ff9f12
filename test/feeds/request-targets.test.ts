// Feeds asked for with an absolute-form request target (`GET http://host/rss.xml`, RFC 9112
// §3.2.2), as some proxies and clients send it: answered like the origin form, as pages are.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestService, type TestService } from '../helpers/service.js';
import { create } from './feed-helpers.js';

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** One request written on a raw socket, exactly as given (fetch always sends the origin form). */
function rawRequest(service: TestService, method: string, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { host, port } = new URL(service.url);
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${lines.join('\r\n')}\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const fields = headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const);
      resolve({ status: Number(statusLine.split(' ')[1]), headers: new Map(fields), body });
    });
  });
}

describe('feeds: absolute-form request targets', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
    await create(service, { title: 'Primo', categories: ['Cultura'] });
  });

  after(() => service.stop({ removeData: true }));

  it('GET http://host/rss.xml answers the feed, as GET /rss.xml does (and as pages already did)', async () => {
    const page = await rawRequest(service, 'GET', `${service.url}/`);
    assert.equal(page.status, 200, 'a page in absolute form');
    const origin = await rawRequest(service, 'GET', '/rss.xml');
    for (const target of [`${service.url}/rss.xml`, `${service.url.replace('http:', 'HTTP:')}/rss.xml`]) {
      const res = await rawRequest(service, 'GET', target);
      assert.equal(res.status, 200, target);
      assert.equal(res.headers.get('etag'), origin.headers.get('etag'), target);
      assert.equal(res.body, origin.body, target);
    }
  });

  it('every feed of a category, with a page number, and HEAD and 304 in absolute form', async () => {
    for (const file of ['rss.xml', 'atom.xml', 'feed.json']) {
      const res = await rawRequest(service, 'GET', `${service.url}/categories/cultura/${file}?page=1`);
      assert.equal(res.status, 200, file);
      assert.match(res.body, /Primo/, file);
    }
    const head = await rawRequest(service, 'HEAD', `${service.url}/atom.xml`);
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const notModified = await rawRequest(service, 'GET', `${service.url}/atom.xml`, { 'If-None-Match': head.headers.get('etag')! });
    assert.equal(notModified.status, 304);
  });

  it('an unknown category feed in absolute form is the same 404 problem as in origin form', async () => {
    const res = await rawRequest(service, 'GET', `${service.url}/categories/nope/rss.xml`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });
});
