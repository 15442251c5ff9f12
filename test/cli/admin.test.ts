// `npm run admin -- create-user EMAIL --role admin`: the first admin, from the command line, with
// a one-time link to choose the password; through the store when no service runs, through the
// running service (which owns DATA_DIR) when one does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { consoleClient, signedIn } from '../console/console-client.js';
import { ADMIN_TOKEN, startTestService, type TestService } from '../helpers/service.js';
import { eventually, existingStoreEnv, ON_POSTGRES } from '../helpers/database.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

function runCli(service: TestService, ...args: string[]) {
  const { port, host, dataDir, baseUrl } = service.ctx.config;
  return run(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), HOST: host, BASE_URL: baseUrl, ADMIN_TOKEN, SECRET: 'test-secret-0123456789abcdef', ...existingStoreEnv(dataDir) },
  });
}

/** Opens the printed link and chooses a password there, as the new admin would. */
async function choosePassword(service: TestService, stdout: string, password: string): Promise<void> {
  const link = new URL(/(http\S+\/admin\/set-password\?token=\S+)/.exec(stdout)![1]!);
  const person = consoleClient(service);
  assert.equal((await person.get(link.pathname + link.search)).status, 200);
  assert.equal((await person.post('/admin/set-password', { token: link.searchParams.get('token')!, password })).status, 303);
}

describe('npm run admin', function () {
  this.timeout(60_000);

  it('creates the first admin through the store when the service is not running', async () => {
    const stopped = await startTestService();
    await stopped.stop();
    const { stdout } = await runCli(stopped, 'create-user', 'Capo@Example.org', '--role', 'admin');
    assert.match(stdout, /account capo@example\.org \(admin\)/);
    const service = await startTestService({ DATA_DIR: stopped.dataDir, PORT: String(stopped.ctx.config.port) });
    try {
      await choosePassword(service, stdout, 'the first admin password');
      const admin = await signedIn(service, 'capo@example.org', 'the first admin password');
      assert.equal((await admin.get('/admin/accounts')).status, 200);
    } finally {
      await service.stop({ removeData: true });
    }
  });

  it('with the service running, the account is the service’s: asked over HTTP (it owns DATA_DIR), or on PostgreSQL written to the shared database', async () => {
    const service = await startTestService();
    try {
      const { stdout } = await runCli(service, 'create-user', 'redazione@example.org', '--role', 'editor');
      // On PostgreSQL nobody owns DATA_DIR: the command is one more instance on the database.
      if (!ON_POSTGRES) assert.match(stdout, /The service \(pid \d+\) owns .*: asking it to create the account/);
      await eventually('the service knows the editor', () => service.ctx.store.accounts.accountByEmail('redazione@example.org')?.role === 'editor');
      await choosePassword(service, stdout, 'an editor password');
      await signedIn(service, 'redazione@example.org', 'an editor password');
    } finally {
      await service.stop({ removeData: true });
    }
  });

  it('says how to call it when the arguments are wrong', async () => {
    const service = await startTestService();
    try {
      await assert.rejects(runCli(service, 'create-user', 'x@example.org', '--role', 'owner'), (err: { stderr: string }) => /usage: npm run admin -- create-user EMAIL --role admin\|editor/.test(err.stderr));
    } finally {
      await service.stop({ removeData: true });
    }
  });
});
