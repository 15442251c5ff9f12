// Verification of intent (WebSub §5.3): a GET to the callback, its own query string kept, with
// an unguessable challenge that the subscriber must echo as the whole body of a 2xx answer.
import { createHash, randomBytes } from 'node:crypto';
import { grantedLease, type WebSubSubscription } from '../domain/websub.js';
import type { Outbound } from '../net/outbound.js';
import type { HubRequest } from './hub-request.js';

/** One subscription per topic and callback: subscribing again names the same record. */
export function subscriptionId(topic: string, callback: string): string {
  return createHash('sha256').update(`${topic}\n${callback}`).digest('base64url').slice(0, 32);
}

/** True when the callback confirmed this (un)subscription; never throws for the callback's faults. */
export async function verifyIntent(outbound: Outbound, request: HubRequest, signal?: AbortSignal): Promise<boolean> {
  const challenge = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({ 'hub.mode': request.mode, 'hub.topic': request.topic, 'hub.challenge': challenge });
  if (request.mode === 'subscribe') params.set('hub.lease_seconds', String(grantedLease(request.leaseSeconds)));
  // Appended as text: re-serialising the callback's own query could change its encoding.
  const url = `${request.callback}${request.callback.includes('?') ? '&' : '?'}${params}`;
  try {
    const answer = await outbound.send(url, { method: 'GET', signal });
    return answer.status >= 200 && answer.status < 300 && answer.body.toString('utf8') === challenge;
  } catch {
    return false;
  }
}

/** The record a verified subscription becomes: owed nothing until its topic changes next. */
export function newSubscription(request: HubRequest, topicVersion: number, now: Date): WebSubSubscription {
  const leaseSeconds = grantedLease(request.leaseSeconds);
  return {
    id: subscriptionId(request.topic, request.callback),
    topic: request.topic,
    callback: request.callback,
    ...(request.secret ? { secret: request.secret } : {}),
    leaseSeconds,
    verifiedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
    pushedVersion: topicVersion,
    failures: 0,
  };
}
