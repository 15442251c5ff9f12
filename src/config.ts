// The only reader of process.env: parses every variable of the contract once, at start,
// and stops with the variable's name when a value is wrong.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';

export interface Config {
  port: number;
  host: string;
  baseUrl: string;
  dataDir: string;
  /** postgres://…: the store is this database, shared by every instance; absent: the embedded store in DATA_DIR. */
  databaseUrl?: string;
  adminToken: string;
  /** Where the generated admin token lives; undefined when ADMIN_TOKEN was given. */
  adminTokenFile?: string;
  secret: string;
  smtpUrl?: string;
  mailFrom: string;
  newsletterCron: string;
  /** How long an immediate subscriber's digest waits after the first new article, to hold a burst. */
  immediateDelayMs: number;
  timezone: string;
  siteTitle: string;
  siteDescription: string;
  siteLanguage: string;
  feedPageSize: number;
  /** Express's `trust proxy`: whose X-Forwarded-For tells the client address (a hop count or names/addresses). */
  trustProxy: number | string[];
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** Other WebSub hubs, advertised beside ours and told of every feed change. */
  websubHubs: string[];
  /** Lets requests to URLs that others supply reach loopback and private networks (tests, intranets). */
  allowPrivateNetworks: boolean;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`configuration: ${variable} ${problem}`);
  }
}

const optional = z.string().trim().min(1).optional();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'is not a postgres:// URL' }).optional(),
  ADMIN_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  SECRET: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().trim().min(3).default('Notiziario <newsletter@localhost>'),
  NEWSLETTER_CRON: z
    .string()
    .trim()
    .default('0 8 * * *')
    .refine((expr) => cron.validate(expr), 'is not a valid cron expression'),
  IMMEDIATE_DELAY: z
    .string()
    .trim()
    .default('10m')
    .refine((value) => DURATION.test(value), 'is not a duration such as 10m, 90s or 1h (a bare number is minutes)')
    .transform(durationMs),
  TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, 'is not an IANA time zone (e.g. Europe/Rome)'),
  SITE_TITLE: z.string().trim().min(1).default('Notiziario'),
  SITE_DESCRIPTION: z.string().trim().min(1).default('Notizie, iniziative e approfondimenti'),
  SITE_LANGUAGE: z
    .string()
    .trim()
    .default('it')
    .refine(isLanguageTag, { message: 'is not a BCP 47 language tag (e.g. it, en-GB)' }),
  FEED_PAGE_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('loopback')
    .refine((value) => /^(\d+|((loopback|linklocal|uniquelocal|[0-9a-f.:/]+)\s*(,\s*|$))+)$/i.test(value), 'is not a hop count, or a comma-separated list of loopback, linklocal, uniquelocal, addresses and CIDRs')
    .transform((value) => (/^\d+$/.test(value) ? Number(value) : value.split(',').map((entry) => entry.trim()))),
  WEBSUB_HUBS: z
    .string()
    .trim()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .refine((urls) => urls.every(isHttpUrl), 'is not a comma-separated list of http(s) URLs'),
  ALLOW_PRIVATE_NETWORKS: z.enum(['true', 'false'], { message: 'is not true or false' }).default('false').transform((value) => value === 'true'),
  DKIM_DOMAIN: optional,
  DKIM_SELECTOR: optional,
  DKIM_PRIVATE_KEY_FILE: optional,
});

const DURATION = /^(\d+)\s*(s|m|h)?$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(value: string): number {
  const [, amount, unit] = DURATION.exec(value)!;
  return Number(amount) * UNIT_MS[(unit ?? 'm') as keyof typeof UNIT_MS];
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1 && /^[a-z]{2,3}(-|$)/i.test(tag);
  } catch {
    // getCanonicalLocales throws a RangeError on a malformed tag: report it as this variable's problem.
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Parses the environment into a Config; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = safeParseEnv(env);
  const dataDir = path.resolve(parsed.DATA_DIR);
  try {
    // Private: file names in it (the outbox's) tell whom we mail; one that others could read is tightened.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (statSync(dataDir).mode & 0o077) chmodSync(dataDir, 0o700);
  } catch (err) {
    throw new ConfigError('DATA_DIR', `cannot be created or made private: ${(err as Error).message}`);
  }
  const adminTokenFile = parsed.ADMIN_TOKEN ? undefined : path.join(dataDir, 'admin-token');
  // Instances on one database must sign links and accept tokens alike: one generated per DATA_DIR would not.
  for (const shared of ['SECRET', 'ADMIN_TOKEN'] as const) {
    if (parsed.DATABASE_URL && !parsed[shared]) throw new ConfigError(shared, 'must be set when DATABASE_URL is: every instance on the database needs the same one');
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    baseUrl: (parsed.BASE_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl: parsed.DATABASE_URL,
    adminToken: parsed.ADMIN_TOKEN ?? readOrCreateSecret('ADMIN_TOKEN', adminTokenFile!),
    adminTokenFile,
    secret: parsed.SECRET ?? readOrCreateSecret('SECRET', path.join(dataDir, 'secret')),
    smtpUrl: parsed.SMTP_URL,
    mailFrom: parsed.MAIL_FROM,
    newsletterCron: parsed.NEWSLETTER_CRON,
    immediateDelayMs: parsed.IMMEDIATE_DELAY,
    timezone: parsed.TIMEZONE,
    siteTitle: parsed.SITE_TITLE,
    siteDescription: parsed.SITE_DESCRIPTION,
    siteLanguage: parsed.SITE_LANGUAGE,
    feedPageSize: parsed.FEED_PAGE_SIZE,
    trustProxy: parsed.TRUST_PROXY,
    dkim: dkimOptions(parsed),
    websubHubs: parsed.WEBSUB_HUBS,
    allowPrivateNetworks: parsed.ALLOW_PRIVATE_NETWORKS,
  };
}

function safeParseEnv(env: NodeJS.ProcessEnv) {
  // An empty variable means "not set", as in most .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ConfigError(String(issue.path[0]), issue.message.startsWith('is ') ? issue.message : `is invalid: ${issue.message}`);
}

function dkimOptions(parsed: z.infer<typeof envSchema>): Config['dkim'] {
  const { DKIM_DOMAIN: domainName, DKIM_SELECTOR: keySelector, DKIM_PRIVATE_KEY_FILE: keyFile } = parsed;
  const given = [domainName, keySelector, keyFile].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given < 3) throw new ConfigError('DKIM_DOMAIN', 'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together');
  try {
    return { domainName: domainName!, keySelector: keySelector!, privateKey: readFileSync(keyFile!, 'utf8') };
  } catch (err) {
    throw new ConfigError('DKIM_PRIVATE_KEY_FILE', `cannot be read: ${(err as Error).message}`);
  }
}

/** Reads a generated secret, creating it once (mode 0600) when the file does not exist. */
function readOrCreateSecret(variable: string, file: string): string {
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    // An empty or cut file (a crash while it was first written) must not become an empty key.
    if (saved.length < 16) throw new ConfigError(variable, `is not set and ${file} holds no usable value: delete the file to generate a new one, or set ${variable}`);
    return saved;
  }
  const value = randomBytes(32).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

/** Loads `.env` from the working directory into process.env when the file exists. */
export function readDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
