// The parsed JSON body of a write, or a 415 when the client sent something else.
import type { Request } from 'express';
import { HttpError } from './errors.js';

export function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) {
    throw new HttpError(415, 'Unsupported media type', 'Send the body as application/json', [{ field: 'body', message: 'must be application/json' }]);
  }
  return req.body;
}
