// Signing in and out, choosing a password through a one-time link, the accounts (admins) and
// the audit log (admins).
import { Router, type Request, type RequestHandler } from 'express';
import { accountOfLink, createAccount, disableAccount, enableAccount, setPassword, signIn, signOut, signOutEverywhere } from '../../console/accounts.js';
import { MIN_PASSWORD_LENGTH } from '../../console/passwords.js';
import type { AppContext } from '../../context.js';
import { ROLES, type Account, type Role } from '../../domain/account.js';
import { HttpError } from '../errors.js';
import { createSignInLimiters } from '../rate-limit.js';
import { pageQuery, pager } from './pager.js';
import type { ConsoleRenderer } from './render-console.js';
import { consoleLocals, cookieOptions, requireRole, SESSION_COOKIE } from './session.js';

const AUDIT_PAGE_SIZE = 50;

/** Where to go after signing in: a console path only (never another site). */
function nextPath(value: unknown, admin: (path: string) => string): string {
  const next = typeof value === 'string' ? value : '';
  return next.startsWith(admin('/')) && !next.startsWith('//') ? next : admin('/articles');
}

const posted = (req: Request, field: string): string => (typeof req.body?.[field] === 'string' ? req.body[field] : '');

/** `form` checks a posted form (same origin, CSRF token) and parses its body. */
export function accountPageRoutes(ctx: AppContext, view: ConsoleRenderer, form: RequestHandler[]): Router {
  const router = Router();
  const { text, admin } = view;

  router.get('/admin', (_req, res) => res.redirect(303, admin(consoleLocals(res).account ? '/articles' : '/sign-in')));

  router.get('/admin/sign-in', (req, res) => {
    if (consoleLocals(res).account) return res.redirect(303, admin('/articles'));
    const notice = req.query.done === 'signed-out' ? text.signedOut : req.query.done === 'password' ? text.passwordSaved : undefined;
    view.send(res, 'sign-in.njk', { title: text.signIn, next: nextPath(req.query.next, admin), notice, errors: [] });
  });

  router.post('/admin/sign-in', ...form, ...createSignInLimiters(ctx.rateLimitStores), async (req, res) => {
    const email = posted(req, 'email');
    const signedIn = await signIn(ctx, email, posted(req, 'password'));
    if ('refused' in signedIn) {
      const disabled = signedIn.refused === 'disabled';
      const errors = [{ field: 'email', message: disabled ? text.accountDisabled : text.wrongPassword }];
      return view.send(res, 'sign-in.njk', { title: text.signIn, email, next: nextPath(req.body?.next, admin), errors }, disabled ? 403 : 401);
    }
    res.cookie(SESSION_COOKIE, signedIn.token, cookieOptions(ctx));
    res.redirect(303, nextPath(req.body?.next, admin));
  });

  router.post('/admin/sign-out', ...form, requireRole('editor'), async (_req, res) => {
    const { session, account } = consoleLocals(res);
    await signOut(ctx, session!, account!);
    res.clearCookie(SESSION_COOKIE, cookieOptions(ctx));
    res.redirect(303, admin('/sign-in?done=signed-out'));
  });

  const expiredLink = (res: Parameters<RequestHandler>[1]) =>
    view.send(res, 'message.njk', { title: text.setPassword, heading: text.setPassword, paragraphs: [text.linkExpired] }, 410);

  router.get('/admin/set-password', (req, res) => {
    const account = accountOfLink(ctx, req.query.token);
    if (!account) return expiredLink(res);
    res.set('Referrer-Policy', 'no-referrer');
    view.send(res, 'set-password.njk', { title: text.setPassword, email: account.email, token: req.query.token, minLength: MIN_PASSWORD_LENGTH, errors: [] });
  });

  router.post('/admin/set-password', ...form, async (req, res) => {
    const account = accountOfLink(ctx, req.body?.token);
    if (!account) return expiredLink(res);
    const password = posted(req, 'password');
    if (password.length < MIN_PASSWORD_LENGTH) {
      const errors = [{ field: 'password', message: text.passwordHint(MIN_PASSWORD_LENGTH) }];
      return view.send(res, 'set-password.njk', { title: text.setPassword, email: account.email, token: req.body.token, minLength: MIN_PASSWORD_LENGTH, errors }, 422);
    }
    await setPassword(ctx, account, password);
    res.redirect(303, admin('/sign-in?done=password'));
  });

  const renderAccounts = (res: Parameters<RequestHandler>[1], data: Record<string, unknown> = {}, status = 200) => {
    const accounts = ctx.store.accounts.accounts().map((account) => ({
      id: account.id,
      email: account.email,
      role: account.role,
      disabled: Boolean(account.disabledAt),
      state: account.disabledAt ? text.accountStates.disabled : account.passwordHash ? text.accountStates.active : text.passwordPending,
      sessions: ctx.store.accounts.sessionsOf(account.id).length,
    }));
    view.send(res, 'accounts.njk', { title: text.accountsNav, section: 'accounts', accounts, errors: [], ...data }, status);
  };

  router.get('/admin/accounts', requireRole('admin'), (req, res) => {
    renderAccounts(res, { done: typeof req.query.done === 'string' ? text.accountDone[req.query.done] : undefined });
  });

  router.post('/admin/accounts', ...form, requireRole('admin'), async (req, res) => {
    const role = posted(req, 'role') as Role;
    if (!ROLES.includes(role)) throw HttpError.invalid([{ field: 'role', message: 'is not a role' }]);
    try {
      const { account, link } = await createAccount(ctx, consoleLocals(res).account!.email, posted(req, 'email'), role);
      renderAccounts(res, { link, linkEmail: account.email });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      renderAccounts(res, { errors: [{ field: 'email', message: `${text.email}: ${text.fieldMessage(err.errors[0]!.message)}` }] }, 422);
    }
  });

  const accountOr404 = (req: Request): Account => {
    const account = ctx.store.accounts.account(String(req.params.id));
    if (!account) throw HttpError.notFound(`There is no account ${req.params.id}`);
    return account;
  };

  router.post('/admin/accounts/:id/disable', ...form, requireRole('admin'), async (req, res) => {
    const account = accountOr404(req);
    const me = consoleLocals(res).account!;
    // Someone must stay who can enable accounts again: an admin never locks themselves out.
    if (account.id === me.id) return renderAccounts(res, { refusal: text.cannotDisableSelf }, 409);
    await disableAccount(ctx, me.email, account);
    res.redirect(303, admin('/accounts?done=disabled'));
  });

  router.post('/admin/accounts/:id/enable', ...form, requireRole('admin'), async (req, res) => {
    await enableAccount(ctx, consoleLocals(res).account!.email, accountOr404(req));
    res.redirect(303, admin('/accounts?done=enabled'));
  });

  router.post('/admin/accounts/:id/sign-out', ...form, requireRole('admin'), async (req, res) => {
    await signOutEverywhere(ctx, consoleLocals(res).account!.email, accountOr404(req));
    res.redirect(303, admin('/accounts?done=signed-out'));
  });

  router.get('/admin/audit', requireRole('admin'), (req, res) => {
    const page = pageQuery(req.query.page);
    const entries = ctx.store.accounts.auditEntries((page - 1) * AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE);
    view.send(res, 'audit.njk', { title: text.audit, section: 'audit', entries, pager: pager(admin('/audit'), {}, page, ctx.store.accounts.auditCount(), AUDIT_PAGE_SIZE) });
  });

  return router;
}
