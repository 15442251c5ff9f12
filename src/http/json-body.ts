// JSON bodies: parsed only after the caller passed its checks (admin token, rate limit), and a
// 415 when the client sent something else.
import express, { type Request } from 'express';
import { HttpError } from './errors.js';

const BODY_LIMIT = '2mb';
/** A subscriber import from another service can hold tens of thousands of addresses. */
const IMPORT_BODY_LIMIT = '20mb';

export const parseJson = express.json({ limit: BODY_LIMIT });
export const parseLargeJson = express.json({ limit: IMPORT_BODY_LIMIT });

export function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) {
    throw new HttpError(415, 'Unsupported media type', 'Send the body as application/json', [{ field: 'body', message: 'must be application/json' }]);
  }
  return req.body;
}
