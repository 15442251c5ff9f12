// Subscriber links carry a token: which subscriber, for what, until when, HMAC-signed with
// SECRET. A tampered, foreign or expired token is refused before anything changes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from '../http/errors.js';

export type TokenPurpose = 'confirm' | 'manage';

interface TokenPayload {
  /** Subscriber id. */
  s: string;
  p: TokenPurpose;
  /** Expiry, seconds since the epoch; absent: valid as long as the subscriber exists. */
  e?: number;
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

export function createToken(secret: string, subscriberId: string, purpose: TokenPurpose, expiresAt?: Date): string {
  const payload: TokenPayload = { s: subscriberId, p: purpose, ...(expiresAt ? { e: Math.floor(expiresAt.getTime() / 1000) } : {}) };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** The subscriber id a token was made for; throws 400 (bad) or 410 (expired). */
export function verifyToken(secret: string, token: unknown, purpose: TokenPurpose, now: Date): string {
  const invalid = new HttpError(400, 'Invalid link', 'This link is not valid: it may have been cut or changed. Use the link from your latest email.', [{ field: 'token', message: 'is not valid' }]);
  if (typeof token !== 'string' || token.length > 500) throw invalid;
  const [body, signature, ...rest] = token.split('.');
  if (!body || !signature || rest.length) throw invalid;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  let payload: TokenPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as TokenPayload;
  } catch {
    throw invalid;
  }
  if (payload.p !== purpose || typeof payload.s !== 'string') throw invalid;
  if (payload.e !== undefined && payload.e * 1000 < now.getTime()) {
    throw new HttpError(410, 'Link expired', 'This confirmation link has expired. Subscribe again to get a new one.', [{ field: 'token', message: 'has expired' }]);
  }
  return payload.s;
}
