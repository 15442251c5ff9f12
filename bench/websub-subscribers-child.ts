// The WebSub subscribers, run by websub.ts as a child process at the lowest CPU priority (they
// stand for machines elsewhere: on this one they take only the time the service leaves): one
// loopback HTTP server for every callback (`/cb/{n}`), echoing verification challenges and
// answering pushes 200. It reports when each push arrived, a round (`expect` pushes) at a time.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SubscriberRequest = { type: 'expect'; count: number } | { type: 'close' };
export type SubscriberEvent = { type: 'listening'; port: number } | { type: 'round'; arrivals: number[] };

const send = (event: SubscriberEvent) => process.send!(event);
const now = () => performance.timeOrigin + performance.now();
let expected = Infinity;
let arrivals: number[] = [];

const server = createServer((req, res) => {
  if (req.method === 'GET') return void res.end(new URL(req.url!, 'http://subscriber').searchParams.get('hub.challenge'));
  req.resume();
  req.on('end', () => {
    res.end();
    arrivals.push(now());
    if (arrivals.length >= expected) {
      send({ type: 'round', arrivals });
      arrivals = [];
    }
  });
});

process.on('message', (request: SubscriberRequest) => {
  if (request.type === 'expect') expected = request.count;
  else {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.address() as AddressInfo).port }));
