// People who use the console: accounts created with a one-time link to choose a password,
// sign-in, server-side sessions (revocable, idle timeout), and the audit log of what they did.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';
import type { Account, AuditAction, Role, Session } from '../domain/account.js';
import { HttpError } from '../http/errors.js';
import { hashPassword, MIN_PASSWORD_LENGTH, UNKNOWN_ACCOUNT_HASH, verifyPassword } from './passwords.js';

/** A session unused for this long is signed out. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** The last-seen time is written at most this often (not one journal entry per click). */
const SEEN_RESOLUTION_MS = 5 * 60 * 1000;
/** How long a set-password link works. */
export const SET_PASSWORD_LINK_MS = 48 * 60 * 60 * 1000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export async function recordAudit(ctx: AppContext, actor: string, action: AuditAction, target?: string): Promise<void> {
  await ctx.store.accounts.audit({ id: randomUUID(), at: ctx.clock().toISOString(), actor, action, ...(target ? { target } : {}) });
}

/** Creates an account (or renews the link of one that exists) and returns its one-time set-password link. */
export async function createAccount(ctx: AppContext, actor: string, email: string, role: Role): Promise<{ account: Account; link: string }> {
  const address = email.trim().toLowerCase();
  if (!EMAIL.test(address)) throw HttpError.invalid([{ field: 'email', message: 'is not an email address' }]);
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const existing = ctx.store.accounts.accountByEmail(address);
  const account: Account = {
    ...(existing ?? { id: randomUUID(), email: address, createdAt: now.toISOString() }),
    role,
    setPasswordTokenHash: sha256(token),
    setPasswordExpiresAt: new Date(now.getTime() + SET_PASSWORD_LINK_MS).toISOString(),
  };
  await ctx.store.accounts.saveAccount(account);
  await recordAudit(ctx, actor, 'account-created', `${address} (${role})`);
  return { account, link: `${ctx.config.baseUrl}/admin/set-password?token=${token}` };
}

/** The account a set-password link belongs to, while it works. */
export function accountOfLink(ctx: AppContext, token: unknown): Account | undefined {
  if (typeof token !== 'string' || !token) return undefined;
  const hash = sha256(token);
  const account = ctx.store.accounts.accounts().find((candidate) => candidate.setPasswordTokenHash === hash);
  if (!account || Date.parse(account.setPasswordExpiresAt ?? '') <= ctx.clock().getTime()) return undefined;
  return account;
}

/** Sets the password through the link (used once), and signs every other session out. */
export async function setPassword(ctx: AppContext, account: Account, password: string): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) throw HttpError.invalid([{ field: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }]);
  const { setPasswordTokenHash: _used, setPasswordExpiresAt: _until, ...rest } = account;
  await ctx.store.accounts.saveAccount({ ...rest, passwordHash: await hashPassword(password) });
  await endSessions(ctx, account);
  await recordAudit(ctx, account.email, 'password-set');
}

export type SignInResult = { token: string; session: Session } | { refused: 'password' | 'disabled' };

/**
 * A new session and its cookie token when the password is right (same time either way); a
 * disabled account is refused, and said so only to whoever knows its password.
 */
export async function signIn(ctx: AppContext, email: string, password: string): Promise<SignInResult> {
  const account = ctx.store.accounts.accountByEmail(email.trim());
  const right = await verifyPassword(password, account?.passwordHash ?? (await UNKNOWN_ACCOUNT_HASH));
  const refuse = async (why: 'password' | 'disabled') => {
    await recordAudit(ctx, email.trim().toLowerCase().slice(0, 200), 'sign-in-refused', why === 'disabled' ? 'account disabled' : undefined);
    return { refused: why };
  };
  if (!account?.passwordHash || !right) return refuse('password');
  if (account.disabledAt) return refuse('disabled');
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock().toISOString();
  const session: Session = { id: sha256(token), accountId: account.id, csrf: randomBytes(24).toString('base64url'), createdAt: now, lastSeenAt: now };
  await ctx.store.accounts.saveSession(session);
  await recordAudit(ctx, account.email, 'sign-in');
  return { token, session };
}

/** The signed-in account of a cookie token, or undefined (unknown, idle too long, account gone). */
export async function resumeSession(ctx: AppContext, token: string | undefined): Promise<{ session: Session; account: Account } | undefined> {
  if (!token) return undefined;
  const session = ctx.store.accounts.session(sha256(token));
  if (!session) return undefined;
  const now = ctx.clock().getTime();
  const account = ctx.store.accounts.account(session.accountId);
  // Disabling ends the sessions too; the check holds should the process stop between the two writes.
  if (!account || account.disabledAt || now - Date.parse(session.lastSeenAt) > SESSION_IDLE_MS) {
    await ctx.store.accounts.removeSessions([session.id]);
    return undefined;
  }
  if (now - Date.parse(session.lastSeenAt) > SEEN_RESOLUTION_MS) await ctx.store.accounts.saveSession({ ...session, lastSeenAt: new Date(now).toISOString() });
  return { session, account };
}

export async function signOut(ctx: AppContext, session: Session, account: Account): Promise<void> {
  await ctx.store.accounts.removeSessions([session.id]);
  await recordAudit(ctx, account.email, 'sign-out');
}

/** Ends every session of the account at once: each of its browsers is signed out on its next request. */
async function endSessions(ctx: AppContext, account: Account): Promise<void> {
  await ctx.store.accounts.removeSessions(ctx.store.accounts.sessionsOf(account.id).map((session) => session.id));
}

/** Signs the account out of every browser; it can sign in again. */
export async function signOutEverywhere(ctx: AppContext, actor: string, account: Account): Promise<void> {
  await endSessions(ctx, account);
  await recordAudit(ctx, actor, 'account-signed-out', account.email);
}

/** The account can no longer sign in, and its sessions end now. */
export async function disableAccount(ctx: AppContext, actor: string, account: Account): Promise<void> {
  await ctx.store.accounts.saveAccount({ ...account, disabledAt: ctx.clock().toISOString() });
  await endSessions(ctx, account);
  await recordAudit(ctx, actor, 'account-disabled', account.email);
}

/** The account can sign in again (with the password it had). */
export async function enableAccount(ctx: AppContext, actor: string, account: Account): Promise<void> {
  const { disabledAt: _until, ...enabled } = account;
  await ctx.store.accounts.saveAccount(enabled);
  await recordAudit(ctx, actor, 'account-enabled', account.email);
}
