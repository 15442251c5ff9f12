// Requests to URLs that others supply: only public addresses, judged where the socket connects,
// and never more of an answer than the cap.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createOutbound, isPublicAddress, OUTBOUND_MAX_RESPONSE_BYTES, OutboundRefusedError, OutboundTooLargeError } from '../../src/net/outbound.js';

const TEXT = 'Il mercato torna in piazza. '.repeat(100);
const COMPRESSED: Record<string, Buffer> = { gzip: gzipSync(TEXT), deflate: deflateSync(TEXT), br: brotliCompressSync(TEXT) };

describe('outbound requests', () => {
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/large') res.end(Buffer.alloc(OUTBOUND_MAX_RESPONSE_BYTES * 8, 'x'));
      else if (req.url?.startsWith('/encoded/')) {
        const encoding = req.url.slice('/encoded/'.length);
        res.writeHead(200, { 'content-encoding': encoding }).end(COMPRESSED[encoding]);
      } else if (req.url === '/bomb') res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(50 * 1024 * 1024)));
      else res.writeHead(301, { location: '/elsewhere' }).end('moved');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('tells public addresses from loopback, private, link-local, CGNAT, multicast and unspecified ones, IPv4-mapped included', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:93.184.216.34']) assert.equal(isPublicAddress(address), true, address);
    for (const address of ['127.0.0.1', '127.8.9.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.254', '224.0.0.1', '239.1.1.1', '0.0.0.0', '255.255.255.255', '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '[::1]', 'localhost']) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  it('refuses a name that resolves to loopback when it connects, though the URL looked fine', async () => {
    const outbound = createOutbound({ allowPrivateNetworks: false });
    assert.doesNotThrow(() => outbound.check(`http://localhost:${port}/`));
    await assert.rejects(outbound.send(`http://localhost:${port}/`, { method: 'GET' }), OutboundRefusedError);
    assert.throws(() => outbound.check(`http://127.0.0.1:${port}/`), OutboundRefusedError);
    assert.throws(() => outbound.check('gopher://example.org/'), OutboundRefusedError);
  });

  it('with ALLOW_PRIVATE_NETWORKS, reaches loopback; never follows a redirect; reads at most the cap', async () => {
    const outbound = createOutbound({ allowPrivateNetworks: true });
    const moved = await outbound.send(`http://localhost:${port}/`, { method: 'GET' });
    assert.equal(moved.status, 301);
    assert.equal(moved.body.toString(), 'moved');
    const large = await outbound.send(`http://127.0.0.1:${port}/large`, { method: 'GET' });
    assert.equal(large.status, 200);
    assert.equal(large.body.length, OUTBOUND_MAX_RESPONSE_BYTES);
  });

  it('a name refused when it connects stays refused after another outbound, allowed private networks, kept a connection to it alive', async () => {
    const allowing = createOutbound({ allowPrivateNetworks: true });
    const refusing = createOutbound({ allowPrivateNetworks: false });
    try {
      assert.equal((await allowing.send(`http://localhost:${port}/`, { method: 'GET' })).status, 301);
      await assert.rejects(refusing.send(`http://localhost:${port}/`, { method: 'GET' }), OutboundRefusedError);
    } finally {
      allowing.close();
      refusing.close();
    }
  });

  it('requests to one origin share a kept-alive connection; one that meets it just closed by the server goes again on a new one', async () => {
    // Each connection answers two requests and closes at the third, as a server whose keep-alive ran out does.
    let connections = 0;
    const closing = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { answered?: number };
      socket.answered = (socket.answered ?? 0) + 1;
      if (socket.answered > 2) return void socket.destroy();
      req.resume();
      req.on('end', () => res.end('ok'));
    }).on('connection', () => void (connections += 1));
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const outbound = createOutbound({ allowPrivateNetworks: true });
    try {
      const url = `http://127.0.0.1:${(closing.address() as AddressInfo).port}/cb`;
      for (let n = 0; n < 4; n += 1) {
        const answer = await outbound.send(url, { method: 'POST', body: 'push' });
        assert.equal(answer.status, 200);
        assert.equal(answer.body.toString(), 'ok');
      }
      // The second went out on the first's connection; the third met its close and went again on a new one, which the fourth reused.
      assert.equal(connections, 2);
    } finally {
      outbound.close();
      closing.closeAllConnections();
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  it('a document request asks for gzip, deflate and br and reads each; its cap counts the decompressed bytes', async () => {
    const outbound = createOutbound({ allowPrivateNetworks: true });
    const document = { timeoutMs: 5000, maxBytes: 1024 * 1024 };
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const answer = await outbound.send(`http://127.0.0.1:${port}/encoded/${encoding}`, { method: 'GET', document });
      assert.equal(answer.body.toString(), TEXT, encoding);
      assert.equal(answer.transferredBytes, COMPRESSED[encoding]!.length);
    }
    // 50 MB of zeros are 50 KB gzipped: refused once 1 MB has come out, not read to the end.
    await assert.rejects(outbound.send(`http://127.0.0.1:${port}/bomb`, { method: 'GET', document }), OutboundTooLargeError);
  });
});
