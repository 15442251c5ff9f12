// `npm run newsletter`: runs the job in its own process when the service is not running, and asks
// the running service over HTTP when it is (the service owns DATA_DIR); either way a summary.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, startTestService, type TestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { eventually, existingStoreEnv, ON_POSTGRES } from '../helpers/database.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

/** A DATA_DIR with one subscriber and one article newer than their subscription. */
async function prepare(sink: SmtpSink): Promise<TestService> {
  const service = await startTestService({ SMTP_URL: sink.url });
  const imported = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'cli@example.org' }] });
  assert.equal((await imported.json()).imported, 1);
  service.clock.advance(60_000);
  const article = await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Notizia dal terminale', contentHtml: '<p>Testo.</p>', categories: ['Cultura'] } });
  assert.equal(article.status, 201);
  return service;
}

function runCli(service: TestService, sink: SmtpSink) {
  const { port, host, dataDir } = service.ctx.config;
  return run(process.execPath, ['--import', 'tsx', 'src/cli/newsletter.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), HOST: host, ADMIN_TOKEN, SECRET: 'test-secret-0123456789abcdef', SMTP_URL: sink.url, ...existingStoreEnv(dataDir) },
  });
}

describe('npm run newsletter', function () {
  this.timeout(60_000);
  let sink: SmtpSink;

  beforeEach(async () => {
    sink = await startSmtpSink();
  });

  afterEach(async () => {
    await sink.close();
  });

  it('runs the job itself when the service is not running, and prints the summary', async () => {
    const service = await prepare(sink);
    await service.stop();
    try {
      const { stdout } = await runCli(service, sink);
      assert.match(stdout, /newsletter run [0-9a-f-]{36}: 1 sent, 0 skipped \(nothing new\), 0 deferred \(retried later\), 0 failed/);
      assert.equal(sink.to('cli@example.org').length, 1);
    } finally {
      await rm(service.dataDir, { recursive: true, force: true });
    }
  });

  it('with the service running, the run is the service’s: asked over HTTP (it owns DATA_DIR), or on PostgreSQL run beside it on the shared database', async () => {
    const service = await prepare(sink);
    try {
      const { stdout } = await runCli(service, sink);
      // On PostgreSQL nobody owns DATA_DIR: the command is one more instance on the database.
      if (!ON_POSTGRES) assert.match(stdout, /The service \(pid \d+\) owns .*: asking it to run the newsletter/);
      assert.match(stdout, /: 1 sent, 0 skipped/);
      assert.equal(sink.to('cli@example.org').length, 1);
      await eventually('the run is in the service’s own history', () => service.ctx.store.newsletter.runs().length === 1);
    } finally {
      await service.stop({ removeData: true });
    }
  });
});
