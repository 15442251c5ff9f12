// The console's session cookie, its CSRF token and its roles. The cookie holds a random token
// (the store keeps only its hash); every form carries the session's CSRF token, checked besides
// the cross-origin rule; before sign-in a short-lived cookie plays the session's part.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { resumeSession } from '../../console/accounts.js';
import type { AppContext } from '../../context.js';
import type { Account, Role, Session } from '../../domain/account.js';
import { HttpError } from '../errors.js';

export const SESSION_COOKIE = 'notiziario_session';
export const PRE_SESSION_COOKIE = 'notiziario_csrf';

/** What the console's handlers find in `res.locals`. */
export interface ConsoleLocals {
  account?: Account;
  session?: Session;
  /** The token this request's forms carry. */
  csrf: string;
}

export const consoleLocals = (res: Response) => res.locals as ConsoleLocals;

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function cookieOptions(ctx: AppContext) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.baseUrl.startsWith('https:'), path: '/admin' };
}

/** Finds the signed-in account, and the token the forms of this answer carry. */
export function loadSession(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const locals = consoleLocals(res);
    const found = await resumeSession(ctx, readCookie(req, SESSION_COOKIE));
    if (found) {
      locals.account = found.account;
      locals.session = found.session;
      locals.csrf = found.session.csrf;
      return next();
    }
    let csrf = readCookie(req, PRE_SESSION_COOKIE);
    if (!csrf || !/^[\w-]{32}$/.test(csrf)) {
      csrf = randomBytes(24).toString('base64url');
      res.cookie(PRE_SESSION_COOKIE, csrf, { ...cookieOptions(ctx), maxAge: 60 * 60 * 1000 });
    }
    locals.csrf = csrf;
    next();
  };
}

/** Refuses a form without this session's token (a page of another site cannot read it). */
export const checkCsrf: RequestHandler = (req, res, next) => {
  const sent = Buffer.from(typeof req.body?._csrf === 'string' ? req.body._csrf : '');
  const expected = Buffer.from(consoleLocals(res).csrf);
  if (sent.length === expected.length && timingSafeEqual(sent, expected)) return next();
  throw new HttpError(403, 'Form expired', 'This form is no longer valid: reload the page and send it again.');
};

/** Signed-in people only; others go to the sign-in page (GET) or get a 401. */
export function requireRole(role: Role): RequestHandler {
  return (req, res, next) => {
    const { account } = consoleLocals(res);
    if (!account) {
      if (req.method === 'GET') return res.redirect(303, `/admin/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
      throw new HttpError(401, 'Signed out', 'Your session has ended: sign in again.');
    }
    if (role === 'admin' && account.role !== 'admin') throw new HttpError(403, 'Forbidden', 'This part of the console is for admins.');
    next();
  };
}
