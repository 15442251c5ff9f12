// /api/accounts: the command line creates console accounts through the running service (which
// owns DATA_DIR), with the admin token.
import { Router } from 'express';
import { z } from 'zod';
import { createAccount } from '../../console/accounts.js';
import type { AppContext } from '../../context.js';
import { ROLES } from '../../domain/account.js';
import type { AdminCheck } from '../auth.js';
import { parseInput } from '../errors.js';
import { jsonBody, parseJson } from '../json-body.js';

const accountInput = z.strictObject({ email: z.string().max(320), role: z.enum(ROLES as [string, ...string[]]) });

export function accountRoutes(ctx: AppContext, auth: AdminCheck): Router {
  const router = Router();
  router.post('/api/accounts', auth.requireAdmin, parseJson, async (req, res) => {
    const input = parseInput(accountInput, jsonBody(req));
    const { account, link } = await createAccount(ctx, 'api', input.email, input.role as (typeof ROLES)[number]);
    res.status(201).json({ id: account.id, email: account.email, role: account.role, setPasswordLink: link, expiresAt: account.setPasswordExpiresAt });
  });
  return router;
}
