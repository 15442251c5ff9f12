// Accounts, their sessions and the audit log over the engine: small collections kept in memory,
// each change a journal entry. The console sees only this interface, so another store
// (PostgreSQL) can offer the same.
import type { Account, AuditEntry, Session } from '../domain/account.js';
import type { Engine } from './collections.js';

export interface AccountStore {
  account(id: string): Account | undefined;
  accountByEmail(email: string): Account | undefined;
  accounts(): Account[];
  saveAccount(account: Account): Promise<void>;
  session(id: string): Session | undefined;
  saveSession(session: Session): Promise<void>;
  removeSessions(ids: readonly string[]): Promise<void>;
  sessionsOf(accountId: string): Session[];
  audit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  auditEntries(offset: number, limit: number): AuditEntry[];
  auditCount(): number;
}

export function createAccountStore(engine: Engine): AccountStore {
  const accounts = new Map<string, Account>();
  const byEmail = new Map<string, string>();
  const sessions = new Map<string, Session>();
  /** Oldest first, as they were written. */
  const audit: AuditEntry[] = [];

  engine.register({
    name: 'accounts',
    put(record) {
      const account = record as Account;
      accounts.set(account.id, account);
      byEmail.set(account.email, account.id);
    },
    delete(id) {
      const account = accounts.get(id);
      if (account) byEmail.delete(account.email);
      accounts.delete(id);
    },
    records: () => [...accounts.values()],
  });
  engine.register({ name: 'sessions', put: (record) => void sessions.set((record as Session).id, record as Session), delete: (id) => void sessions.delete(id), records: () => [...sessions.values()] });
  engine.register({
    name: 'auditEntries',
    put: (record) => void audit.push(record as AuditEntry),
    delete(id) {
      const index = audit.findIndex((entry) => entry.id === id);
      if (index >= 0) audit.splice(index, 1);
    },
    records: () => [...audit],
  });

  return {
    account: (id) => accounts.get(id),
    accountByEmail: (email) => accounts.get(byEmail.get(email.toLowerCase()) ?? ''),
    accounts: () => [...accounts.values()].sort((a, b) => a.email.localeCompare(b.email)),
    saveAccount: (account) => engine.commit([{ collection: 'accounts', id: account.id, record: { ...account } }]),
    session: (id) => sessions.get(id),
    saveSession: (session) => engine.commit([{ collection: 'sessions', id: session.id, record: { ...session } }]),
    removeSessions: (ids) => engine.commit(ids.filter((id) => sessions.has(id)).map((id) => ({ collection: 'sessions', id }))),
    sessionsOf: (accountId) => [...sessions.values()].filter((session) => session.accountId === accountId),
    audit: (entry) => engine.commit([{ collection: 'auditEntries', id: entry.id, record: { ...entry } }]),
    auditEntries: (offset, limit) => audit.slice(Math.max(0, audit.length - offset - limit), audit.length - offset).reverse(),
    auditCount: () => audit.length,
  };
}
