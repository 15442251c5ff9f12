// Subscribing is rate-limited per client address (the API and the form share one budget), so
// nobody can use Notiziario to flood a stranger's inbox with confirmation emails.
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { HttpError } from './errors.js';

const SUBSCRIBE_WINDOW_MS = 10 * 60 * 1000;
export const SUBSCRIBE_LIMIT = 20;

export function createSubscribeLimiter(): RateLimitRequestHandler {
  return rateLimit({
    windowMs: SUBSCRIBE_WINDOW_MS,
    limit: SUBSCRIBE_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) => {
      const retryAfter = String(Math.ceil(options.windowMs / 1000));
      next(new HttpError(429, 'Too many requests', 'Too many subscription requests from this address; try again later.', [], { 'Retry-After': retryAfter }));
    },
  });
}
