// One error type for every failure a client should hear about, and one handler that turns it
// into problem+json (RFC 9457) for the API or a readable page for people.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { StoreFullError } from '../store/collections.js';
import { setPageSecurityHeaders } from './security-headers.js';

export interface FieldError {
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  static invalid(errors: FieldError[]): HttpError {
    const names = errors.map((e) => e.field).join(', ');
    return new HttpError(422, 'Invalid request', `Check ${names}: ${errors[0]!.message}`, errors);
  }

  static notFound(detail: string): HttpError {
    return new HttpError(404, 'Not found', detail);
  }

  /** An article that was deleted: gone for good, which feed readers and search engines respect. */
  static articleGone(slug: string): HttpError {
    return new HttpError(410, 'Gone', `The article "${slug}" was deleted`);
  }
}

export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  const name = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || 'body';
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: name([...issue.path, key]), message: 'is not a known field' }))
      : [{ field: name(issue.path), message: issue.message }],
  );
}

/** Parses `value` with `schema`, or throws a 422 naming every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw HttpError.invalid(fieldErrors(result.error, prefix));
  return result.data;
}

export const notFoundHandler: RequestHandler = (req) => {
  throw HttpError.notFound(`Nothing at ${req.method} ${req.path}`);
};

/** Turns any error into a response: problem+json for API clients, HTML for browsers. */
export function createErrorHandler(log: Logger, renderErrorPage?: (status: number, title: string, detail: string) => string): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const problem = toHttpError(err);
    if (problem.status >= 500) log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return void res.end();
    res.status(problem.status).set(problem.headers);
    const wantsHtml = renderErrorPage && !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
    if (wantsHtml) {
      setPageSecurityHeaders(res);
      res.type('html').send(renderErrorPage(problem.status, problem.title, problem.detail ?? problem.title));
      return;
    }
    const body = {
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      instance: req.originalUrl,
      ...(problem.errors.length ? { errors: problem.errors } : {}),
    };
    res.type('application/problem+json').send(JSON.stringify(body));
  };
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof StoreFullError) return new HttpError(507, 'Insufficient storage', 'The store takes no new records: the service is close to its memory limit.');
  const bodyError = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser's errors carry a status and a type: keep the status, say it plainly.
  if (bodyError?.type === 'entity.too.large') return new HttpError(413, 'Payload too large', 'The request body is larger than the limit', [{ field: 'body', message: 'too large' }]);
  if (bodyError?.type === 'entity.parse.failed') return new HttpError(400, 'Malformed JSON', `The body is not valid JSON: ${bodyError.message}`, [{ field: 'body', message: 'is not valid JSON' }]);
  // The router could not decode a path parameter (`/categories/%ff`): the client's URL is wrong.
  if (err instanceof URIError && bodyError.status === 400) return new HttpError(400, 'Malformed URL', 'The URL has a % that is not followed by a valid UTF-8 percent-encoding', [{ field: 'path', message: 'is not a valid percent-encoded URL' }]);
  if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500 && bodyError.expose) {
    return new HttpError(bodyError.status, bodyError.message ?? 'Bad request');
  }
  return new HttpError(500, 'Internal server error', 'Something went wrong on our side; it has been logged.');
}
