// Subscribers' addresses stay where they belong (the subscriber record, the message itself):
// error texts from SMTP servers quote them ("550 <gone@example.org>: …"), so whatever we record
// or log passes through here first, and erasing a subscriber leaves nothing behind.
import { createHash } from 'node:crypto';

/** Anything shaped like an address: a local part, @, and a domain with at least one dot. */
const ADDRESS = /[^\s<>()[\]{}"',;:@\\]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/** A short, stable key for an address, which does not show it (outbox file names, log lines). */
export function addressKey(address: string): string {
  return createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 16);
}

/** The text without any address in it, e.g. an SMTP error to keep on a delivery record. */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '[address]');
}

/** A log line with each address replaced by its key: enough to follow one recipient, not to read it. */
export function withAddressKeys(line: string): string {
  return line.replace(ADDRESS, (address) => `[address ${addressKey(address)}]`);
}
