// The words of the console: an account (a person who signs in), a session, an audit entry.

export type Role = 'editor' | 'admin';
export const ROLES: readonly Role[] = ['editor', 'admin'];

export interface Account {
  id: string;
  /** Lower case: one account per mailbox. */
  email: string;
  role: Role;
  /** scrypt, self-describing (see src/console/passwords.ts); absent until the one-time link is used. */
  passwordHash?: string;
  /** SHA-256 of the one-time set-password link's token, and until when it works. */
  setPasswordTokenHash?: string;
  setPasswordExpiresAt?: string;
  createdAt: string;
  /** Set while an admin has disabled the account: it cannot sign in, and it has no session. */
  disabledAt?: string;
}

/** A signed-in browser. The id is the SHA-256 of the cookie's token: the store never holds the token. */
export interface Session {
  id: string;
  accountId: string;
  /** The token every form of this session carries. */
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
}

export type AuditAction =
  | 'sign-in'
  | 'sign-in-refused'
  | 'sign-out'
  | 'account-created'
  | 'password-set'
  | 'account-disabled'
  | 'account-enabled'
  | 'account-signed-out'
  | 'article-created'
  | 'article-saved'
  | 'article-published'
  | 'article-unpublished'
  | 'article-deleted'
  | 'subscribers-imported'
  | 'subscribers-exported'
  | 'subscriber-erased'
  | 'newsletter-sent'
  | 'source-added'
  | 'source-fetched'
  | 'source-deleted';

/** Who did what, and when: kept for the admins. */
export interface AuditEntry {
  id: string;
  at: string;
  /** The account's email, or "cli"/"api" for the command line and the admin token. */
  actor: string;
  action: AuditAction;
  /** What it was done to: an article's title, an account's email. */
  target?: string;
}
