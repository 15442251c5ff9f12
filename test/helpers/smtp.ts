// A real SMTP server on loopback (smtp-server) that parses what it receives with mailparser.
// It can answer with a temporary (4xx) or permanent (5xx) failure, to test deferral and bounces.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  /** The envelope recipients (RCPT TO), which is who really gets the message. */
  rcptTo: string[];
}

export interface SmtpSink {
  /** For SMTP_URL: the server has no usable TLS certificate, so the client must not try STARTTLS. */
  url: string;
  messages: ReceivedMail[];
  /** Decides the answer to each message: accept, or fail with a code (e.g. 451, 550). */
  respondWith(decide: (rcptTo: string[]) => 'accept' | number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Messages received by one address. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  let decide: (rcptTo: string[]) => 'accept' | number = () => 'accept';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const rcptTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        const answer = decide(rcptTo);
        if (answer !== 'accept') {
          const error = Object.assign(new Error(answer >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: answer });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ parsed: await simpleParser(raw), raw, rcptTo });
        callback();
        for (const wake of waiters.splice(0)) wake();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    messages,
    respondWith: (fn) => void (decide = fn),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return messages;
    },
    to: (address) => messages.filter((message) => message.rcptTo.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
