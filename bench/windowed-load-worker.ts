// A steady HTTP load in a worker thread, run by windowed-load.ts: `connections` keep-alive
// clients each GET the URL again as soon as the last answer ended, and the end of every 200 is
// timed, so that req/s can be read for any window afterwards (a fan-out lasts under a second,
// shorter than an autocannon run).
import { Agent, get } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface WindowedLoadData {
  url: string;
  connections: number;
}
export type WindowedLoadRequest = { type: 'count'; id: number; from: number; to: number } | { type: 'stop' };
export type WindowedLoadEvent = { type: 'count'; id: number; answers: number; unexpected: number } | { type: 'stopped' };

const port = parentPort!;
const { url, connections } = workerData as WindowedLoadData;
const now = () => performance.timeOrigin + performance.now();
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const answered: number[] = [];
const failed: number[] = [];
let running = true;

function loop(): void {
  if (!running) return;
  get(url, { agent }, (res) => {
    res.resume();
    res.on('end', () => {
      (res.statusCode === 200 ? answered : failed).push(now());
      loop();
    });
  }).on('error', () => {
    failed.push(now());
    setTimeout(loop, 10);
  });
}
for (let n = 0; n < connections; n += 1) loop();

const within = (times: number[], from: number, to: number) => times.filter((time) => time >= from && time < to).length;
port.on('message', (request: WindowedLoadRequest) => {
  if (request.type === 'count') {
    port.postMessage({ type: 'count', id: request.id, answers: within(answered, request.from, request.to), unexpected: within(failed, request.from, request.to) } satisfies WindowedLoadEvent);
  } else {
    running = false;
    agent.destroy();
    port.postMessage({ type: 'stopped' } satisfies WindowedLoadEvent);
  }
});
