// Run as a child process by tick-crash.test.ts: opens DATA_DIR with the clock fixed at the given
// instant and calls the job the scheduler calls each minute, once. The parent may SIGKILL it.
// Usage: node --import tsx test/newsletter/tick-child.ts <dataDir> <smtpUrl> <ISO instant>
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { closeContext, createContext } from '../../src/context.js';
import { existingStoreEnv } from '../helpers/database.js';

const [dataDir, smtpUrl, now] = process.argv.slice(2) as [string, string, string];
const config = loadConfig({ DATA_DIR: dataDir, SMTP_URL: smtpUrl, SITE_LANGUAGE: 'en', ADMIN_TOKEN: 'tick-child-admin-token-0123', SECRET: 'tick-child-secret-0123456789', ...existingStoreEnv(dataDir) });
const ctx = await createContext(config, { clock: () => new Date(now), log: pino({ level: 'silent' }) });
const run = await ctx.newsletter.sendDue();
process.stdout.write(`${JSON.stringify({ run: run?.id ?? null, sent: run?.counts.sent ?? 0 })}\n`);
await closeContext(ctx);
