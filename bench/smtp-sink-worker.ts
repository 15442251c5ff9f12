// The SMTP sink's server side, run in a worker thread by smtp-sink.ts: smtp-server on loopback
// that reads each message to its end and accepts it, parsing nothing. It answers the parent's
// questions (how many messages and bytes so far) and closes when asked.
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { SMTPServer } from 'smtp-server';

export type SinkRequest = { type: 'count'; id: number } | { type: 'close' };
export type SinkEvent =
  | { type: 'listening'; port: number }
  | { type: 'count'; id: number; messages: number; bytes: number }
  | { type: 'closed' };

const port = parentPort!;
let messages = 0;
let bytes = 0;

const server = new SMTPServer({
  // The built-in certificate has expired: no STARTTLS, the client sets ignoreTLS.
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  // A reverse lookup of 127.0.0.1 per connection would only add noise to the figures.
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => void (bytes += chunk.length));
    stream.on('end', () => {
      messages += 1;
      callback();
    });
  },
});

const send = (event: SinkEvent) => port.postMessage(event);

port.on('message', (request: SinkRequest) => {
  if (request.type === 'count') send({ type: 'count', id: request.id, messages, bytes });
  else server.close(() => send({ type: 'closed' }));
});

server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.server.address() as AddressInfo).port }));
