// A subscriber's request to our hub (WebSub §5.1), checked before anything is stored or sent:
// a plain reason for each refusal, which the route answers as a 400.
import { MAX_SECRET_BYTES } from '../domain/websub.js';
import { OutboundRefusedError, type Outbound } from '../net/outbound.js';

export interface HubRequest {
  mode: 'subscribe' | 'unsubscribe';
  topic: string;
  callback: string;
  leaseSeconds?: number;
  secret?: string;
}

export type ParsedHubRequest = { ok: true; request: HubRequest } | { ok: false; reason: string };

/**
 * Reads the form fields of a hub request. `isTopic` tells whether a URL is the first page of one
 * of our feeds; `outbound` refuses callbacks that may not be requested (scheme, private address).
 */
export function parseHubRequest(form: unknown, isTopic: (url: string) => boolean, outbound: Outbound): ParsedHubRequest {
  const fields = (form ?? {}) as Record<string, unknown>;
  const field = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : undefined);
  const refuse = (reason: string): ParsedHubRequest => ({ ok: false, reason });
  if (Object.values(fields).some((value) => typeof value !== 'string')) return refuse('Each hub.* field may be given once.');

  const mode = field('hub.mode');
  if (mode !== 'subscribe' && mode !== 'unsubscribe') return refuse('hub.mode must be subscribe or unsubscribe (sent as application/x-www-form-urlencoded).');
  const topic = field('hub.topic');
  if (!topic || !isTopic(topic)) return refuse('hub.topic is not a feed of this site: give the URL of its first page, as its Link rel="self" says.');
  const callback = field('hub.callback');
  if (!callback || !URL.canParse(callback)) return refuse('hub.callback must be an absolute http(s) URL.');
  try {
    outbound.check(callback);
  } catch (err) {
    if (err instanceof OutboundRefusedError) return refuse(`hub.callback is refused: ${err.message.replace(/^outbound: /, '')}.`);
    throw err;
  }
  const lease = field('hub.lease_seconds');
  if (lease !== undefined && !/^\d{1,10}$/.test(lease)) return refuse('hub.lease_seconds must be a whole number of seconds.');
  const secret = field('hub.secret');
  if (secret !== undefined && (secret === '' || Buffer.byteLength(secret) > MAX_SECRET_BYTES)) return refuse(`hub.secret must be 1 to ${MAX_SECRET_BYTES} bytes long.`);

  // The fragment is never sent to the callback's server, so it is no part of the subscription.
  const request: HubRequest = { mode, topic, callback: callback.replace(/#.*$/s, '') };
  if (lease !== undefined) request.leaseSeconds = Number(lease);
  if (secret !== undefined && mode === 'subscribe') request.secret = secret;
  return { ok: true, request };
}
