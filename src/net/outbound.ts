// Every request the service makes to a URL that someone else supplied (WebSub callbacks, other
// hubs): http(s) only, never to loopback, private, link-local, CGNAT, multicast or unspecified
// addresses unless ALLOW_PRIVATE_NETWORKS=true. The address is checked where the socket
// connects (a `lookup` hook), so a name that resolves to a public address for a check and to a
// private one for the connection (DNS rebinding) is still refused. Connections are kept alive
// for the next request to the same origin, in this module's own agents: a socket is reused only
// by requests that the same check governs, never one that other code opened without it.
// Redirects are never followed here: a caller that follows them (ingest) sends each hop through
// `send` again, checked again.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export const OUTBOUND_TIMEOUT_MS = 10_000;
/** More of an answer than this is never read: only the status and a short body matter. */
export const OUTBOUND_MAX_RESPONSE_BYTES = 64 * 1024;
/** Connections open at once to one origin (scheme, host, port); more requests wait for one. */
export const OUTBOUND_SOCKETS_PER_ORIGIN = 16;
/** How long an idle kept-alive connection waits for the next request (less if the server says so). */
const IDLE_SOCKET_MS = 4_000;

export class OutboundRefusedError extends Error {
  constructor(reason: string) {
    super(`outbound: ${reason}`);
  }
}

export class OutboundTooLargeError extends Error {
  constructor(host: string, maxBytes: number) {
    super(`outbound: ${host} answered more than ${maxBytes} bytes`);
  }
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Aborts the request (a graceful stop). */
  signal?: AbortSignal;
  /** Bounds for a whole document (a feed); without them, a short answer within OUTBOUND_TIMEOUT_MS. */
  document?: {
    timeoutMs: number;
    /** A longer body (after decompression) fails with OutboundTooLargeError instead of being cut. */
    maxBytes: number;
  };
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most OUTBOUND_MAX_RESPONSE_BYTES of the body, or the whole (decompressed) document. */
  body: Buffer;
  /** Bytes received on the wire (before decompression). */
  transferredBytes: number;
}

/** The Accept-Encoding of a document request; the answer is decompressed before it is measured. */
export const DOCUMENT_ENCODINGS = 'gzip, deflate, br';

export interface Outbound {
  /** Throws OutboundRefusedError for a URL that may not be requested (scheme, address literal). */
  check(url: string): URL;
  /** Sends one request, bounded in time and in what it reads; never follows a redirect. */
  send(url: string, request: OutboundRequest): Promise<OutboundResponse>;
  /** Closes the idle kept-alive connections. */
  close(): void;
}

const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48], // local-use NAT64
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) NON_PUBLIC.addSubnet(network, prefix, 'ipv6');

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const IPV4_MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** True for an address that belongs to the public internet (IPv4-mapped IPv6 judged as IPv4). */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = IPV4_MAPPED.exec(bare)?.[1] ?? hexMappedIpv4(bare);
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(bare);
  if (family === 0) return false;
  return !NON_PUBLIC.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

function hexMappedIpv4(address: string): string | undefined {
  const match = IPV4_MAPPED_HEX.exec(address);
  if (!match) return undefined;
  const high = parseInt(match[1]!, 16);
  const low = parseInt(match[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

export function createOutbound(options: { allowPrivateNetworks: boolean }): Outbound {
  const allowed = (address: string) => options.allowPrivateNetworks || isPublicAddress(address);

  function check(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OutboundRefusedError(`${url} is not an absolute URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OutboundRefusedError(`${parsed.protocol} URLs are not requested, only http and https`);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !allowed(host)) throw new OutboundRefusedError(`${host} is not a public address`);
    return parsed;
  }

  // The hook Node calls for the address it connects to (IP literals are checked above).
  function guardedLookup(hostname: string, lookupOptions: LookupOneOptions | LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const refused = addresses.find((entry) => !allowed(entry.address));
      if (refused) return callback(new OutboundRefusedError(`${hostname} resolves to ${refused.address}, not a public address`), '');
      if ((lookupOptions as LookupAllOptions).all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  }

  // The agents' options reach every socket they open, whichever request opens it.
  const agentOptions = { keepAlive: true, maxSockets: OUTBOUND_SOCKETS_PER_ORIGIN, maxFreeSockets: OUTBOUND_SOCKETS_PER_ORIGIN, timeout: IDLE_SOCKET_MS, lookup: guardedLookup as RequestOptions['lookup'] };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

  function exchange(target: URL, request: OutboundRequest): Promise<OutboundResponse> {
    const timeoutMs = request.document?.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
    const maxBytes = request.document?.maxBytes ?? OUTBOUND_MAX_RESPONSE_BYTES;
    const https = target.protocol === 'https:';
    const requestOptions: RequestOptions = {
      method: request.method,
      headers: { 'user-agent': 'Notiziario (WebSub hub)', ...(request.document ? { 'accept-encoding': DOCUMENT_ENCODINGS } : {}), ...request.headers },
      agent: https ? agents.https : agents.http,
      timeout: timeoutMs,
      signal: request.signal,
    };
    return new Promise<OutboundResponse>((resolve, reject) => {
      const send = https ? httpsRequest : httpRequest;
      let answered = false;
      const req = send(target, requestOptions, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let length = 0;
        let transferredBytes = 0;
        res.on('data', (chunk: Buffer) => void (transferredBytes += chunk.length));
        // A 304 or 204 has no body to decompress, whatever Content-Encoding it repeats.
        const hasBody = res.statusCode !== 304 && res.statusCode !== 204;
        const body = request.document && hasBody ? decoded(res, res.headers['content-encoding']) : res;
        body.on('data', (chunk: Buffer) => {
          const room = maxBytes - length;
          if (request.document && chunk.length > room) return fail(new OutboundTooLargeError(target.host, maxBytes));
          chunks.push(chunk.subarray(0, room));
          length += Math.min(room, chunk.length);
          // Enough read: the rest of a long answer is not waited for.
          if (length >= maxBytes && !request.document) finish();
        });
        body.on('end', finish);
        body.on('error', fail);
        res.on('error', fail);
        function finish() {
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), transferredBytes });
          if (!res.complete) res.destroy();
        }
        function fail(err: Error) {
          clearTimeout(deadline);
          reject(err);
          res.destroy();
        }
      });
      // `timeout` covers an idle socket; this bounds the whole exchange, however slowly it trickles.
      const deadline = setTimeout(() => req.destroy(new Error(`outbound: no complete answer from ${target.host} within ${timeoutMs / 1000} s`)), timeoutMs);
      req.on('timeout', () => req.destroy(new Error(`outbound: ${target.host} did not answer within ${timeoutMs / 1000} s`)));
      req.on('error', (err) => {
        clearTimeout(deadline);
        // The server closed a kept-alive connection as this request went out on it: the request
        // goes again on another (that socket is gone now, so this ends).
        if (req.reusedSocket && !answered && (err as NodeJS.ErrnoException).code === 'ECONNRESET' && !request.signal?.aborted) return resolve(exchange(target, request));
        reject(err);
      });
      req.end(request.body);
    });
  }

  return {
    check,
    send: (url, request) => exchange(check(url), request),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The body as sent before its Content-Encoding (gzip, deflate or br); anything else as it came. */
function decoded(res: Readable, encoding: string | string[] | undefined): Readable {
  switch (String(encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return res.pipe(createGunzip());
    case 'deflate':
      return res.pipe(createInflate());
    case 'br':
      return res.pipe(createBrotliDecompress());
    default:
      return res;
  }
}
