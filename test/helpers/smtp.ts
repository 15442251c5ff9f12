// A real SMTP server on loopback (smtp-server) that parses what it receives with mailparser.
// It can answer with a temporary (4xx) or permanent (5xx) failure, to test deferral and bounces,
// and it can be slowed down (a delay before each answer) to keep a run going for a while.
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  /** The envelope recipients (RCPT TO), which is who really gets the message. */
  rcptTo: string[];
}

/** How the server answers a message: accept it, or fail with a code (and the server's own text). */
export type SmtpAnswer = 'accept' | number | { code: number; text: string };

/** Every message the server was offered (DATA), accepted or not, with its answer. */
export interface SmtpAttempt {
  rcptTo: string[];
  answer: SmtpAnswer;
}

export interface SmtpSinkOptions {
  /** Milliseconds to wait after receiving each message before answering it. */
  delayMs?: number;
  /** Require AUTH with these credentials; any other login gets 535. */
  auth?: { user: string; pass: string };
}

export interface SmtpSink {
  /** For SMTP_URL: the server has no usable TLS certificate, so the client must not try STARTTLS. */
  url: string;
  messages: ReceivedMail[];
  /** Every DATA transaction, including the ones answered with a failure. */
  attempts: SmtpAttempt[];
  /** Decides the answer to each message: accept, or fail with a code (e.g. 451, 550), maybe with a text. */
  respondWith(decide: (rcptTo: string[]) => SmtpAnswer): void;
  /** Changes the delay before each answer (see SmtpSinkOptions.delayMs). */
  setDelay(ms: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Messages received by one address. */
  to(address: string): ReceivedMail[];
  /** Attempts (accepted or not) addressed to one address. */
  attemptsTo(address: string): SmtpAttempt[];
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const attempts: SmtpAttempt[] = [];
  const waiters: (() => void)[] = [];
  let decide: (rcptTo: string[]) => SmtpAnswer = () => 'accept';
  let delayMs = options.delayMs ?? 0;
  const { auth } = options;
  const server = new SMTPServer({
    authOptional: !auth,
    // Loopback only: a login without TLS is acceptable here.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && login.password === auth.pass) return callback(null, { user: login.username });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const rcptTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        const answer = decide(rcptTo);
        attempts.push({ rcptTo, answer });
        if (answer !== 'accept') {
          const { code, text } = typeof answer === 'number' ? { code: answer, text: answer >= 500 ? 'Mailbox unavailable' : 'Try again later' } : answer;
          return callback(Object.assign(new Error(text), { responseCode: code }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ parsed: await simpleParser(raw), raw, rcptTo });
        callback();
        for (const wake of waiters.splice(0)) wake();
      });
    },
  });
  // A client killed mid-transaction (the crash tests) resets its connection: expected, not a failure.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    messages,
    attempts,
    respondWith: (fn) => void (decide = fn),
    setDelay: (ms) => void (delayMs = ms),
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
    attemptsTo: (address) => attempts.filter((attempt) => attempt.rcptTo.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
