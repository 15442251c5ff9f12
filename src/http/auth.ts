// Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function createAdminCheck(adminToken: string) {
  const expected = digest(adminToken);
  const isAdmin = (req: Request): boolean => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return !!match && timingSafeEqual(digest(match[1]!), expected);
  };
  const requireAdmin: RequestHandler = (req, _res, next) => {
    if (isAdmin(req)) return next();
    throw new HttpError(401, 'Unauthorized', 'This call needs the admin token: Authorization: Bearer <ADMIN_TOKEN>', [], {
      'WWW-Authenticate': 'Bearer realm="notiziario"',
    });
  };
  return { isAdmin, requireAdmin };
}

export type AdminCheck = ReturnType<typeof createAdminCheck>;
