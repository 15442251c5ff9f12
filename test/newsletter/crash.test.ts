// A run survives a crash: the real service in a child process is killed with SIGKILL in the
// middle of a run; a second process on the same DATA_DIR takes the stale lock over and resumes.
// Counted at the SMTP server: everybody got their digest, and the only duplicates are sends that
// were in flight at the kill, each carrying the same Message-ID as its twin. Stopped with
// SIGTERM instead, the service lets the sends in flight finish and exits 0: no duplicate at all.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SENDS_IN_FLIGHT } from '../../src/newsletter/run-newsletter.js';
import { freePort, makeDataDir } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { storeEnv } from '../helpers/database.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const SUBSCRIBERS = 300;
const KILL_AFTER = 50;

interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('newsletter: a run interrupted by a crash or a stop resumes in the next process', function () {
  this.timeout(180_000);
  let sink: SmtpSink;
  let dataDir: string;
  let port: number;
  let children: Child[] = [];
  let storeVariables: Record<string, string>;

  beforeEach(async () => {
    children = [];
    sink = await startSmtpSink({ delayMs: 20 });
    dataDir = await makeDataDir();
    storeVariables = await storeEnv(dataDir);
    port = await freePort();
  });

  afterEach(async () => {
    for (const child of children) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
      await child.exited;
    }
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const base = () => `http://127.0.0.1:${port}`;

  function startChild(): Child {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        BASE_URL: base(),
        ADMIN_TOKEN,
        SECRET: 'crash-test-secret-0123456789',
        SMTP_URL: sink.url,
        SITE_LANGUAGE: 'en',
        NEWSLETTER_CRON: '0 0 1 1 *', // the run is started by hand
        ...storeVariables,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = { process: child, exited, output: () => output };
    children.push(started);
    return started;
  }

  async function waitForHealth(child: Child): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.process.exitCode !== null) throw new Error(`the service exited (${child.process.exitCode}):\n${child.output()}`);
      try {
        if ((await fetch(`${base()}/healthz`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`no /healthz within 60 s:\n${child.output()}`);
  }

  const admin = (urlPath: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(base() + urlPath, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });

  const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `crash${i}@example.org`);
  const perRecipient = () => {
    const counts = new Map<string, string[]>();
    for (const mail of sink.messages) for (const address of mail.rcptTo) counts.set(address, [...(counts.get(address) ?? []), mail.parsed.messageId ?? '']);
    return counts;
  };

  it(`SIGKILL: every subscriber gets the digest; duplicates are at most the ${SENDS_IN_FLIGHT} sends in flight, with the same Message-ID`, async () => {
    const duplicates = await interruptAndResume('SIGKILL');
    assert.ok(duplicates <= SENDS_IN_FLIGHT, `${duplicates} duplicates`);
  });

  it('SIGTERM: the service exits 0 after the sends in flight, and after the restart everybody has exactly one digest', async () => {
    assert.equal(await interruptAndResume('SIGTERM'), 0);
  });

  /** Interrupts a run with `signal`, restarts, checks everybody got the digest; returns how many got it twice. */
  async function interruptAndResume(signal: 'SIGKILL' | 'SIGTERM'): Promise<number> {
    const first = startChild();
    await waitForHealth(first);

    // The demo content is in the past: subscribers get what is published after their import.
    const imported = await admin('/api/subscribers', { method: 'POST', json: emails.map((email) => ({ email })) });
    assert.equal(imported.status, 200, first.output());
    assert.equal(((await imported.json()) as { imported: number }).imported, SUBSCRIBERS);
    await sleep(20);
    const categories = (await (await fetch(`${base()}/api/categories`)).json()) as { name: string }[];
    assert.ok(categories.length > 0, 'the demo content made categories');
    const article = await admin('/api/articles', { method: 'POST', json: { title: 'Breaking: the crash test', contentHtml: '<p>News for everybody.</p>', categories: categories.map((c) => c.name) } });
    assert.equal(article.status, 201);

    const interrupted = admin('/api/newsletter/runs', { method: 'POST' }).catch((err: unknown) => err);
    await sink.waitFor(KILL_AFTER, 60_000);
    first.process.kill(signal);
    const atKill = sink.messages.length;
    const exitCode = await first.exited;
    await sleep(200); // messages whose DATA was under way still get their (unread) answer
    const beforeRestart = sink.messages.length;
    if (signal === 'SIGKILL') {
      assert.ok((await interrupted) instanceof Error, 'the run was cut short');
    } else {
      assert.equal(exitCode, 0, first.output());
      const paused = (await interrupted) as Response;
      assert.equal(paused.status, 200, 'the manual run is answered before the service stops');
      assert.equal(((await paused.json()) as { status: string }).status, 'running', 'the run is left to resume');
    }
    assert.ok(beforeRestart < SUBSCRIBERS, `the ${signal} came mid-run (${beforeRestart} of ${SUBSCRIBERS} sent)`);

    const second = startChild();
    await waitForHealth(second);
    const deadline = Date.now() + 90_000;
    while (emails.some((email) => !perRecipient().has(email))) {
      assert.ok(Date.now() < deadline, `not everybody got the digest after the restart:\n${second.output()}`);
      await sleep(200);
    }

    // One more run, once the resumed one has finished: nothing is new, nothing is sent.
    let again: Response;
    while ((again = await admin('/api/newsletter/runs', { method: 'POST' })).status === 409) await sleep(200);
    assert.equal(again.status, 200);
    const afterResume = sink.messages.length;
    const run = (await again.json()) as { counts: { sent: number; deferred: number; failed: number } };
    assert.deepEqual({ sent: run.counts.sent, deferred: run.counts.deferred, failed: run.counts.failed }, { sent: 0, deferred: 0, failed: 0 });
    await sleep(200);
    assert.equal(sink.messages.length, afterResume, 'the last run sent nothing');

    const runs = (await (await admin('/api/newsletter/runs')).json()) as { status: string; counts: { sent: number } }[];
    assert.ok(runs.every((entry) => entry.status === 'finished'));
    assert.equal(runs.at(-1)!.counts.sent, SUBSCRIBERS, 'the interrupted run finished with everybody sent');

    const counts = perRecipient();
    const duplicates = [...counts].filter(([, ids]) => ids.length > 1);
    console.log(
      `      ${signal}: ${atKill} messages at the signal, ${beforeRestart} once the process was gone, ` +
        `${afterResume - beforeRestart} after the restart, ${sink.messages.length} in all for ${SUBSCRIBERS} subscribers; ` +
        `${duplicates.length} recipient(s) got the digest twice`,
    );
    assert.equal(counts.size, SUBSCRIBERS, 'nobody else was mailed');
    assert.ok(emails.every((email) => (counts.get(email)?.length ?? 0) >= 1), 'nobody was skipped');
    for (const [email, ids] of duplicates) {
      assert.equal(ids.length, 2, `${email} got ${ids.length} copies`);
      assert.equal(ids[0], ids[1], `${email}: the resent copy carries the same Message-ID`);
    }
    const text = sink.messages.map((mail) => mail.parsed.text ?? '');
    assert.ok(text.every((body) => body.includes('Breaking: the crash test')));
    return duplicates.length;
  }
});
