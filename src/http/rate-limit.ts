// Subscribing is rate-limited per client address (the API and the form share one budget), so
// nobody can use Notiziario to flood a stranger's inbox with confirmation emails; WebSub hub
// requests, each of which makes us call a URL, have a budget of their own; so do wrong passwords
// at the console's sign-in. Where the counts live is one seam, RateLimitStores: in memory by
// default (each instance counts alone); a shared store counts across instances.
import { isIP } from 'node:net';
import type { Request } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type RateLimitRequestHandler, type Store } from 'express-rate-limit';
import { HttpError } from './errors.js';

export type LimiterName = 'subscribe' | 'hub' | 'sign-in-address' | 'sign-in-account';

/**
 * A store of counts per limiter (express-rate-limit's Store: increment, decrement, resetKey),
 * one instance per limiter as express-rate-limit asks.
 */
export type RateLimitStores = (limiter: LimiterName) => Store;

export const memoryRateLimitStores: RateLimitStores = () => new MemoryStore();

const SUBSCRIBE_WINDOW_MS = 10 * 60 * 1000;
export const SUBSCRIBE_LIMIT = 20;
/** A feed reader subscribes to a few feeds at once, and renews each lease now and then. */
export const HUB_LIMIT = 60;
/** IPv6 clients are counted per /64, the smallest block a household or a server is given. */
const IPV6_PREFIX = 64;

/**
 * Whose budget a request spends: the client address Express reads from X-Forwarded-For through
 * the trusted proxies, as one address (IPv4-mapped IPv6 as IPv4) or one IPv6 /64. Anything there
 * that is not an address (`foo`, `192.0.2.10:1234`, `192.0.2.010`) is ignored for the peer's
 * address: a header anyone can write must not make a new client.
 */
function clientKey(req: Request): string {
  const forwarded = req.ip;
  const address = forwarded && isIP(forwarded) ? forwarded : (req.socket.remoteAddress ?? '');
  return ipKeyGenerator(address, IPV6_PREFIX);
}

export function createSubscribeLimiter(stores: RateLimitStores): RateLimitRequestHandler {
  return createLimiter(SUBSCRIBE_LIMIT, 'Too many subscription requests from this address; try again later.', { store: stores('subscribe') });
}

/** WebSub hub requests: each makes the hub call a URL, so an address gets a budget of them too. */
export function createHubLimiter(stores: RateLimitStores): RateLimitRequestHandler {
  return createLimiter(HUB_LIMIT, 'Too many hub requests from this address; try again later.', { store: stores('hub') });
}

/** Wrong passwords at the console's sign-in: counted per address and per account (only failures count). */
export const SIGN_IN_FAILURES_PER_ACCOUNT = 5;
export const SIGN_IN_FAILURES_PER_ADDRESS = 20;
const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export function createSignInLimiters(stores: RateLimitStores): RateLimitRequestHandler[] {
  const detail = 'Too many wrong passwords; try again in 15 minutes.';
  const accountKey = (req: Request) => `account:${String(req.body?.email ?? '').trim().toLowerCase()}`;
  return [
    createLimiter(SIGN_IN_FAILURES_PER_ADDRESS, detail, { windowMs: SIGN_IN_WINDOW_MS, skipSuccessfulRequests: true, store: stores('sign-in-address') }),
    createLimiter(SIGN_IN_FAILURES_PER_ACCOUNT, detail, { windowMs: SIGN_IN_WINDOW_MS, skipSuccessfulRequests: true, keyGenerator: accountKey, store: stores('sign-in-account') }),
  ];
}

function createLimiter(limit: number, detail: string, options: Partial<Parameters<typeof rateLimit>[0]> = {}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: SUBSCRIBE_WINDOW_MS,
    ...options,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: options.keyGenerator ?? clientKey,
    handler: (_req, _res, next, used) => {
      const retryAfter = String(Math.ceil(used.windowMs / 1000));
      next(new HttpError(429, 'Too many requests', detail, [], { 'Retry-After': retryAfter }));
    },
  });
}
