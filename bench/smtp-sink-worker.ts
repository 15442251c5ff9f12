// The SMTP sink's server side, run in a worker thread or a child process by smtp-sink.ts:
// smtp-server on loopback that reads each message to its end and accepts it. It reads only the
// Message-ID of each message, whose first word (`digest.…`, `confirm.…`) gives its kind, and
// tallies per kind the recipients (how many messages each got), the senders (by the name they
// gave in EHLO) and when the first and last arrived. It answers the parent's questions and
// closes when asked.
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { SMTPServer } from 'smtp-server';

export type SinkRequest = { type: 'count'; id: number } | { type: 'tally'; id: number; kind: string; arrivals: boolean } | { type: 'forget'; id: number; kind: string } | { type: 'close' };
export type SinkEvent =
  | { type: 'listening'; port: number }
  | { type: 'count'; id: number; messages: number; bytes: number }
  | { type: 'tally'; id: number; tally: KindTally }
  | { type: 'forgotten'; id: number }
  | { type: 'closed' };

/** What the sink saw of one kind of message since it started or last forgot that kind. */
export interface KindTally {
  messages: number;
  /** Distinct envelope recipients. */
  recipients: number;
  /** Recipients who got more than one message of this kind, and a few of them. */
  duplicated: number;
  duplicatedExamples: string[];
  /** Messages per sender (the EHLO name, e.g. `?name=instance-a` in the client's SMTP URL). */
  bySender: Record<string, number>;
  /** Epoch milliseconds (fractional) of the first and last message to arrive; 0 when none did. */
  firstAt: number;
  lastAt: number;
  /** When asked: the epoch milliseconds at which each recipient's last message arrived. */
  arrivals?: Record<string, number>;
}

interface Kind {
  messages: number;
  recipients: Map<string, { count: number; at: number }>;
  senders: Map<string, number>;
  firstAt: number;
  lastAt: number;
}

/** Headers end within this many bytes in every message we send; the Message-ID is among them. */
const HEADER_BYTES = 16 * 1024;
const MESSAGE_ID = /^message-id:\s*<([a-z]+)\./im;

// A worker thread talks through parentPort; a forked child process through process.send.
const channel = parentPort ?? {
  postMessage: (event: SinkEvent) => process.send!(event),
  on: (_event: 'message', listener: (request: SinkRequest) => void) => process.on('message', listener),
};
let messages = 0;
let bytes = 0;
const kinds = new Map<string, Kind>();
const epochMs = () => performance.timeOrigin + performance.now();

function record(kind: string, recipients: string[], sender: string): void {
  const at = epochMs();
  let tally = kinds.get(kind);
  if (!tally) kinds.set(kind, (tally = { messages: 0, recipients: new Map(), senders: new Map(), firstAt: at, lastAt: at }));
  tally.messages += 1;
  tally.lastAt = at;
  tally.senders.set(sender, (tally.senders.get(sender) ?? 0) + 1);
  for (const recipient of recipients) tally.recipients.set(recipient, { count: (tally.recipients.get(recipient)?.count ?? 0) + 1, at });
}

function tallyOf(kind: string, arrivals: boolean): KindTally {
  const tally = kinds.get(kind);
  if (!tally) return { messages: 0, recipients: 0, duplicated: 0, duplicatedExamples: [], bySender: {}, firstAt: 0, lastAt: 0, ...(arrivals ? { arrivals: {} } : {}) };
  const duplicated = [...tally.recipients].filter(([, seen]) => seen.count > 1).map(([recipient]) => recipient);
  return {
    messages: tally.messages,
    recipients: tally.recipients.size,
    duplicated: duplicated.length,
    duplicatedExamples: duplicated.slice(0, 5),
    bySender: Object.fromEntries(tally.senders),
    firstAt: tally.firstAt,
    lastAt: tally.lastAt,
    ...(arrivals ? { arrivals: Object.fromEntries([...tally.recipients].map(([recipient, seen]) => [recipient, seen.at])) } : {}),
  };
}

const server = new SMTPServer({
  // The built-in certificate has expired: no STARTTLS, the client sets ignoreTLS.
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  // A reverse lookup of 127.0.0.1 per connection would only add noise to the figures.
  disableReverseLookup: true,
  logger: false,
  onData(stream, session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < HEADER_BYTES) head += chunk.toString('latin1', 0, Math.min(chunk.length, HEADER_BYTES));
    });
    stream.on('end', () => {
      messages += 1;
      const recipients = session.envelope.rcptTo.map((to) => to.address.toLowerCase());
      record(MESSAGE_ID.exec(head)?.[1] ?? 'other', recipients, String(session.hostNameAppearsAs || 'unnamed'));
      callback();
    });
  },
});

const send = (event: SinkEvent) => channel.postMessage(event);

channel.on('message', (request: SinkRequest) => {
  if (request.type === 'count') send({ type: 'count', id: request.id, messages, bytes });
  else if (request.type === 'tally') send({ type: 'tally', id: request.id, tally: tallyOf(request.kind, request.arrivals) });
  else if (request.type === 'forget') {
    kinds.delete(request.kind);
    send({ type: 'forgotten', id: request.id });
  } else server.close(() => send({ type: 'closed' }));
});

server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.server.address() as AddressInfo).port }));
