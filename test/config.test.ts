// Configuration: defaults, a bad value stops everything with the variable's name, generated
// secrets are written once (mode 0600) and reused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../src/config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('configuration', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'notiziario-config-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('has the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.baseUrl, 'http://localhost:3000');
    assert.equal(config.dataDir, dataDir);
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.mailFrom, 'Notiziario <newsletter@localhost>');
    assert.equal(config.newsletterCron, '0 8 * * *');
    assert.equal(config.timezone, 'UTC');
    assert.equal(config.siteLanguage, 'it');
    assert.equal(config.feedPageSize, 20);
    assert.equal(config.immediateDelayMs, 10 * 60_000);
    assert.deepEqual(config.websubHubs, []);
    assert.equal(config.allowPrivateNetworks, false);
    assert.ok(config.siteTitle.length > 0 && config.siteDescription.length > 0);
  });

  it('reads the given values; BASE_URL follows PORT unless given, without a trailing slash', () => {
    assert.equal(loadConfig({ DATA_DIR: dataDir, PORT: '8080' }).baseUrl, 'http://localhost:8080');
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '8080',
      BASE_URL: 'https://notizie.example.it/',
      TIMEZONE: 'Europe/Rome',
      NEWSLETTER_CRON: '30 7 * * 1-5',
      SITE_LANGUAGE: 'en-GB',
      FEED_PAGE_SIZE: '50',
      SITE_TITLE: '',
    });
    assert.deepEqual(
      [config.port, config.baseUrl, config.timezone, config.newsletterCron, config.siteLanguage, config.feedPageSize],
      [8080, 'https://notizie.example.it', 'Europe/Rome', '30 7 * * 1-5', 'en-GB', 50],
    );
    assert.equal(config.siteTitle, loadConfig({ DATA_DIR: dataDir }).siteTitle, 'an empty variable means "not set"');
  });

  it('WEBSUB_HUBS takes a comma-separated list of hub URLs; ALLOW_PRIVATE_NETWORKS true or false', () => {
    const config = loadConfig({ DATA_DIR: dataDir, WEBSUB_HUBS: 'https://pubsubhubbub.appspot.com/, https://hub.example.net/websub', ALLOW_PRIVATE_NETWORKS: 'true' });
    assert.deepEqual(config.websubHubs, ['https://pubsubhubbub.appspot.com/', 'https://hub.example.net/websub']);
    assert.equal(config.allowPrivateNetworks, true);
    assert.equal(loadConfig({ DATA_DIR: dataDir, ALLOW_PRIVATE_NETWORKS: 'false' }).allowPrivateNetworks, false);
  });

  const badValues: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['TIMEZONE', 'Europe/Atlantide'],
    ['NEWSLETTER_CRON', 'every morning'],
    ['NEWSLETTER_CRON', '61 8 * * *'],
    ['BASE_URL', 'not a url'],
    ['BASE_URL', 'ftp://example.com'],
    ['SITE_LANGUAGE', 'english'],
    ['SITE_LANGUAGE', 'it_IT!'],
    ['FEED_PAGE_SIZE', '0'],
    ['ADMIN_TOKEN', 'short'],
    ['TRUST_PROXY', 'everybody'],
    ['IMMEDIATE_DELAY', 'soon'],
    ['IMMEDIATE_DELAY', '10 days'],
    ['WEBSUB_HUBS', 'hub.example.net'],
    ['WEBSUB_HUBS', 'https://hub.example.net, ftp://hub.example.net'],
    ['ALLOW_PRIVATE_NETWORKS', 'yes'],
  ];
  for (const [variable, value] of badValues) {
    it(`${variable}=${JSON.stringify(value)} throws a ConfigError naming ${variable}`, () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: dataDir, [variable]: value }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, `a ConfigError, not ${String(err)}`);
          assert.equal(err.variable, variable);
          assert.match(err.message, new RegExp(`\\b${variable}\\b`));
          return true;
        },
      );
    });
  }

  it('generates ADMIN_TOKEN and SECRET once into DATA_DIR (mode 0600) and reuses them', async () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    assert.ok(first.adminToken.length >= 32);
    assert.ok(first.secret.length >= 32);
    assert.notEqual(first.adminToken, first.secret);
    assert.equal(first.adminTokenFile, path.join(dataDir, 'admin-token'));
    for (const [file, value] of [['admin-token', first.adminToken], ['secret', first.secret]] as const) {
      const info = await stat(path.join(dataDir, file));
      assert.equal(info.mode & 0o777, 0o600, `${file} is mode 0600`);
      assert.equal((await readFile(path.join(dataDir, file), 'utf8')).trim(), value);
    }
    const second = loadConfig({ DATA_DIR: dataDir });
    assert.equal(second.adminToken, first.adminToken);
    assert.equal(second.secret, first.secret);
  });

  it('creates a missing DATA_DIR (and its missing parents) readable by the service user only (0700)', async () => {
    const nested = path.join(dataDir, 'srv', 'notiziario');
    loadConfig({ DATA_DIR: nested, ADMIN_TOKEN: 'a-token-of-enough-length', SECRET: 'a-secret-of-enough-length' });
    assert.equal((await stat(nested)).mode & 0o777, 0o700);
    assert.equal((await stat(path.dirname(nested))).mode & 0o777, 0o700);
  });

  it('tightens an existing DATA_DIR that others can read (the repository\'s data/ is 0755) to 0700', async () => {
    const shared = path.join(dataDir, 'shared');
    await mkdir(shared, { mode: 0o755 });
    await chmod(shared, 0o755);
    loadConfig({ DATA_DIR: shared, ADMIN_TOKEN: 'a-token-of-enough-length', SECRET: 'a-secret-of-enough-length' });
    assert.equal((await stat(shared)).mode & 0o777, 0o700);
  });

  it('refuses an empty or cut generated secret file, naming the variable', async () => {
    await writeFile(path.join(dataDir, 'secret'), '\n');
    assert.throws(() => loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN: 'given-admin-token-0123456789' }), (err: unknown) => err instanceof ConfigError && err.variable === 'SECRET');
  });

  it('IMMEDIATE_DELAY takes seconds, minutes or hours; a bare number is minutes', () => {
    const delay = (value: string) => loadConfig({ DATA_DIR: dataDir, IMMEDIATE_DELAY: value }).immediateDelayMs;
    assert.deepEqual([delay('90s'), delay('5m'), delay('1h'), delay('15')], [90_000, 300_000, 3_600_000, 900_000]);
  });

  it('TRUST_PROXY takes a hop count or a list of proxies', () => {
    assert.deepEqual(loadConfig({ DATA_DIR: dataDir }).trustProxy, ['loopback']);
    assert.equal(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '1' }).trustProxy, 1);
    assert.deepEqual(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, ['loopback', '10.0.0.0/8']);
  });

  it('uses ADMIN_TOKEN and SECRET when given, writing no file for them', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN: 'given-admin-token-0123456789', SECRET: 'given-secret-0123456789abcdef' });
    assert.equal(config.adminToken, 'given-admin-token-0123456789');
    assert.equal(config.secret, 'given-secret-0123456789abcdef');
    assert.equal(config.adminTokenFile, undefined);
    await assert.rejects(stat(path.join(dataDir, 'admin-token')), { code: 'ENOENT' });
    await assert.rejects(stat(path.join(dataDir, 'secret')), { code: 'ENOENT' });
  });

  for (const [variable, value] of [['PORT', 'abc'], ['SITE_LANGUAGE', 'not a language']] as const) {
    it(`the real process with ${variable}=${value} exits non-zero, naming ${variable}`, async function () {
      this.timeout(30_000);
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', [variable]: value },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stdout.resume();
      child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
      assert.notEqual(code, 0);
      assert.notEqual(code, null);
      // The message itself names the variable (not merely a line of a stack trace).
      const message = stderr.trim().split('\n')[0] ?? '';
      assert.match(message, new RegExp(`\\b${variable}\\b`), stderr);
    });
  }
});
