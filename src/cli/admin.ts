// `npm run admin -- create-user EMAIL --role admin|editor`: creates a console account and prints
// its one-time link to choose a password. When the service is running it owns DATA_DIR, so the
// account is asked of it over HTTP (with the admin token) instead.
import { parseArgs } from 'node:util';
import { createAccount } from '../console/accounts.js';
import { ConfigError, loadConfig, readDotEnv, type Config } from '../config.js';
import { closeContext, createContext } from '../context.js';
import { ROLES, type Role } from '../domain/account.js';
import { createLogger } from '../log.js';
import { lockOwner } from '../store/lock.js';

const USAGE = 'usage: npm run admin -- create-user EMAIL --role admin|editor';

async function createInProcess(config: Config, email: string, role: Role): Promise<string> {
  const ctx = await createContext(config, { log: createLogger({ level: 'warn' }) });
  try {
    return (await createAccount(ctx, 'cli', email, role)).link;
  } finally {
    await closeContext(ctx);
  }
}

async function createInService(config: Config, pid: number, email: string, role: Role): Promise<string> {
  console.log(`The service (pid ${pid}) owns ${config.dataDir}: asking it to create the account…`);
  const response = await fetch(`http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/api/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, role }),
  });
  const body = (await response.json()) as { setPasswordLink?: string; detail?: string };
  if (!response.ok) throw new Error(`the service answered ${response.status}: ${body.detail ?? response.statusText}`);
  return body.setPasswordLink!;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string', default: 'editor' } } });
  const [command, email] = positionals;
  const role = values.role as Role;
  if (command !== 'create-user' || !email || !ROLES.includes(role)) throw new Error(USAGE);
  readDotEnv();
  const config = loadConfig();
  const owner = lockOwner(config.dataDir);
  const link = owner ? await createInService(config, owner, email, role) : await createInProcess(config, email, role);
  console.log(`account ${email.trim().toLowerCase()} (${role}): open this link within 48 hours to choose the password (it works once):\n${link}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `admin: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
