// Message-IDs chosen by us, before the send: the ledger records them, and a message resent after
// a crash carries the same one, so a receiving system can tell it is the same message.
import { addressOf } from '../mail/mailer.js';

export function messageIdFor(mailFrom: string, localPart: string): string {
  const domain = addressOf(mailFrom).split('@')[1] || 'localhost';
  return `<${localPart}@${domain}>`;
}
