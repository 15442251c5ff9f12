// WebSub on the subscriber's side: a source whose feed names a hub is subscribed to it, with a
// callback under BASE_URL and a secret; the hub's verification is answered, and its pushes are
// taken only when signed with that secret (sha1, sha256, sha384 or sha512).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SourcePush, SourceRecord } from '../domain/source.js';
import type { Outbound } from '../net/outbound.js';

/** Leases asked for: ten days, renewed a day before they end. */
export const LEASE_SECONDS = 10 * 24 * 60 * 60;
export const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
const SIGNATURE_ALGORITHMS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

export const callbackPath = (sourceId: string) => `/websub/callback/${sourceId}`;

export function newPush(hub: string, topic: string): SourcePush {
  return { hub, topic, secret: randomBytes(24).toString('base64url'), state: 'requested', leaseEndsAt: null };
}

/** Asks the hub to (un)subscribe; throws when it does not accept the request (2xx). */
export async function askHub(outbound: Outbound, push: SourcePush, callback: string, mode: 'subscribe' | 'unsubscribe', signal?: AbortSignal): Promise<void> {
  const form = new URLSearchParams({ 'hub.mode': mode, 'hub.topic': push.topic, 'hub.callback': callback });
  if (mode === 'subscribe') {
    form.set('hub.secret', push.secret);
    form.set('hub.lease_seconds', String(LEASE_SECONDS));
  }
  const answer = await outbound.send(push.hub, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), signal });
  if (answer.status < 200 || answer.status >= 300) throw new Error(`the hub ${push.hub} answered ${answer.status} to a ${mode} request`);
}

export type Verification = { challenge: string; push?: SourcePush } | undefined;

/**
 * The answer to a hub's verification GET: the challenge to echo (and the push as it then is), or
 * undefined to refuse (404). An unsubscription is confirmed only for a source that no longer pushes.
 */
export function verify(source: SourceRecord | undefined, query: Record<string, unknown>, now: Date): Verification {
  const mode = query['hub.mode'];
  const challenge = query['hub.challenge'];
  if (typeof challenge !== 'string' || !challenge) return undefined;
  if (mode === 'unsubscribe') return source?.push ? undefined : { challenge };
  if (mode !== 'subscribe' || !source?.push || query['hub.topic'] !== source.push.topic) return undefined;
  const lease = Number(query['hub.lease_seconds']);
  const leaseSeconds = Number.isFinite(lease) && lease > 0 ? lease : LEASE_SECONDS;
  return { challenge, push: { ...source.push, state: 'active', leaseEndsAt: new Date(now.getTime() + leaseSeconds * 1000).toISOString() } };
}

/** True when `X-Hub-Signature` is `algorithm=hex` of the body under the secret, with a known algorithm. */
export function signatureValid(secret: string, header: string | undefined, body: Buffer): boolean {
  const match = /^(\w+)=([0-9a-f]+)$/i.exec(header?.trim() ?? '');
  if (!match || !SIGNATURE_ALGORITHMS.has(match[1]!.toLowerCase())) return false;
  const expected = createHmac(match[1]!.toLowerCase(), secret).update(body).digest();
  const given = Buffer.from(match[2]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** True when the lease ends within RENEW_BEFORE_MS (or a request was never verified for that long). */
export function needsRenewal(push: SourcePush, now: Date): boolean {
  return push.state === 'active' && !!push.leaseEndsAt && Date.parse(push.leaseEndsAt) - now.getTime() < RENEW_BEFORE_MS;
}
