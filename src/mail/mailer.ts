// The only module that imports nodemailer: an SMTP pool when SMTP_URL is set, otherwise every
// message becomes an .eml file in DATA_DIR/outbox/ so the service works out of the box.
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Mail, type Transporter } from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node';
import type { Config } from '../config.js';
import { addressKey } from './hidden-addresses.js';
import type { MessageBody } from './message-body.js';
import { MessageBuffers } from './message-buffers.js';

export interface OutgoingMail {
  to: { address: string; name?: string };
  subject: string;
  /** Encoded once per distinct email and filled per recipient (see message-body.ts). */
  body: MessageBody;
  /** Chosen before the send, so the ledger can record it first. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Resolves when the server (or the outbox) has accepted the message; rejects otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  /** Deletes the copies this mailer keeps of messages to an address (the outbox); SMTP keeps none. */
  forgetRecipient(address: string): Promise<void>;
  close(): void;
}

/**
 * Errors from the SMTP server that say "never" (5xx) to this recipient or this message, as opposed
 * to "not now". A 5xx to the login, the sender or the greeting is the sending side's problem (a
 * wrong SMTP password would otherwise mark every subscriber as bouncing): not permanent for them.
 */
export function isPermanentFailure(err: unknown): boolean {
  const { permanent, responseCode, command } = (err ?? {}) as { permanent?: boolean; responseCode?: number; command?: string };
  const refused = permanent === true || /^5\d\d$/.test(String(responseCode));
  return refused && (command === 'RCPT TO' || command === 'DATA');
}

export type MailerOptions = Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir' | 'dkim'> & { maxConnections?: number };

export function createMailer(options: MailerOptions): Mailer {
  const dkim = options.dkim ? { dkim: options.dkim } : {};
  const buffers = new MessageBuffers();
  /** Sends through `transport`; the message's buffer is reused once the transport is done with it. */
  const sendWith = async (transport: Transporter, mail: OutgoingMail) => {
    const { message, buffer } = buffers.gather(composeMessage(options.mailFrom, mail));
    const info = await transport.sendMail(toNodemailer(options.mailFrom, mail, message));
    buffers.give(buffer);
    return info;
  };
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport({ pool: true, url: options.smtpUrl, maxConnections: options.maxConnections ?? 5, maxMessages: 1000, ...dkim });
    return {
      send: async (mail) => void (await sendWith(transport, mail)),
      forgetRecipient: async () => undefined,
      close: () => transport.close(),
    };
  }
  const outbox = path.join(options.dataDir, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', ...dkim });
  let outboxReady: Promise<void> | undefined;
  // Private (0700): its file names tell whom we mailed and when. One made by an older version is tightened.
  const privateOutbox = () => (outboxReady ??= mkdir(outbox, { recursive: true, mode: 0o700 }).then(() => chmod(outbox, 0o700)));
  return {
    async send(mail) {
      const info = await sendWith(transport, mail);
      await privateOutbox().catch((err: unknown) => {
        outboxReady = undefined;
        throw err;
      });
      // The file name tells whose message it is without showing the address, so it can be erased.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${addressKey(mail.to.address)}-${randomUUID().slice(0, 8)}.eml`;
      // Written whole or not at all: a mail client never opens half a message.
      await writeFile(path.join(outbox, `.${name}.tmp`), info.message as Buffer, { mode: 0o600 });
      await rename(path.join(outbox, `.${name}.tmp`), path.join(outbox, name));
    },
    async forgetRecipient(address) {
      const key = `-${addressKey(address)}-`;
      const names = await readdir(outbox).catch(() => [] as string[]);
      await Promise.all(names.filter((name) => name.includes(key)).map((name) => rm(path.join(outbox, name), { force: true })));
    },
    close: () => transport.close(),
  };
}

function toNodemailer(from: string, mail: OutgoingMail, raw: Buffer): Mail.Options {
  return {
    raw,
    // Already in the raw message; given here too, so nodemailer does not make up one of its own.
    messageId: mail.messageId,
    // Unused with a raw message; given so that nodemailer (as patched) draws no random bytes for it.
    baseBoundary: mail.body.boundary,
    // Never let a recipient's name or address turn into an extra envelope recipient.
    envelope: { from: addressOf(from), to: [mail.to.address] },
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * The whole message in pieces: nodemailer's MimeNode writes and encodes the headers, and the two
 * parts' pieces, mostly shared between recipients, follow as they are (see message-body.ts).
 */
function composeMessage(from: string, mail: OutgoingMail): Buffer[] {
  const root = new MimeNode('multipart/alternative', { baseBoundary: mail.body.boundary });
  // The message's own headers come last, so none of the extra headers can replace them.
  root.setHeader({ ...mail.headers, From: from, To: mail.to, Subject: mail.subject, 'Message-ID': mail.messageId });
  const head = root.buildHeaders();
  const boundary = `--${root.boundary}`;
  return [
    Buffer.from(`${head}\r\n\r\n${boundary}\r\n`),
    ...mail.body.textPart,
    Buffer.from(`\r\n${boundary}\r\n`),
    ...mail.body.htmlPart,
    Buffer.from(`\r\n${boundary}--\r\n`),
  ];
}

/** The bare address of a "Name <address>" sender. */
export function addressOf(mailbox: string): string {
  return /<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();
}
