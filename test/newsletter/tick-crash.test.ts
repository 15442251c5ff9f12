// A tick killed with SIGKILL while it sends: the next tick (a new process on the same DATA_DIR)
// finishes the run. Counted at the SMTP server: every due subscriber got their digest once, but
// for sends in flight at the kill (same Message-ID); nobody else got anything; and nobody is
// due again before their next slot.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SENDS_IN_FLIGHT } from '../../src/newsletter/run-newsletter.js';
import { makeDataDir, startTestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { importSubscribers } from './fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DUE = 200;
const KILL_AFTER = 40;

function tick(dataDir: string, sink: SmtpSink, now: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/newsletter/tick-child.ts', dataDir, sink.url, now], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('newsletter: a tick killed mid-send', function () {
  this.timeout(120_000);

  it(`SIGKILL during a tick: the next tick finishes it; duplicates at most the ${SENDS_IN_FLIGHT} in flight, none for anyone not due`, async () => {
    const sink = await startSmtpSink({ delayMs: 20 });
    const dataDir = await makeDataDir();
    const setup = await startTestService({ DATA_DIR: dataDir, SMTP_URL: sink.url });
    setup.clock.set('2026-05-04T05:00:00Z');
    const daily = Array.from({ length: DUE }, (_, i) => `due${i}@example.org`);
    await importSubscribers(setup, [
      ...daily.map((email) => ({ email, frequency: 'daily', hour: 8, timezone: 'UTC' })),
      ...Array.from({ length: 20 }, (_, i) => ({ email: `wednesday${i}@example.org`, frequency: 'weekly', weekday: 3, hour: 8, timezone: 'UTC' })),
    ]);
    setup.clock.set('2026-05-04T06:00:00Z');
    const res = await setup.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Killed in the middle', categories: ['Health'], contentHtml: '<p>Text.</p>' } });
    assert.equal(res.status, 201);
    await setup.stop();

    const first = tick(dataDir, sink, '2026-05-04T08:00:00Z');
    await sink.waitFor(KILL_AFTER, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const beforeRestart = sink.messages.length;
    assert.ok(beforeRestart < DUE, `the kill came mid-tick (${beforeRestart} of ${DUE})`);

    const second = tick(dataDir, sink, '2026-05-04T08:01:00Z');
    assert.equal(await second.exited, 0, second.output());

    const received = new Map<string, string[]>();
    for (const mail of sink.messages) for (const to of mail.rcptTo) received.set(to, [...(received.get(to) ?? []), mail.parsed.messageId ?? '']);
    assert.deepEqual([...received.keys()].sort(), [...daily].sort(), 'every due subscriber, nobody else');
    const twice = [...received].filter(([, ids]) => ids.length > 1);
    assert.ok(twice.length <= SENDS_IN_FLIGHT, `${twice.length} duplicates`);
    for (const [to, ids] of twice) assert.deepEqual([ids.length, ids[0]], [2, ids[1]], `${to}: a resent copy has the same Message-ID`);

    const after = await startTestService({ DATA_DIR: dataDir, SMTP_URL: sink.url });
    try {
      after.clock.set('2026-05-04T08:02:00Z');
      assert.equal(await after.ctx.newsletter.sendDue(), undefined, 'nobody is due again');
      assert.ok(daily.every((email) => after.ctx.store.newsletter.subscriberByEmail(email)?.nextDigestAt === '2026-05-05T08:00:00.000Z'));
      assert.ok(after.ctx.store.newsletter.runs().every((run) => run.status === 'finished'));
    } finally {
      await after.stop({ removeData: true });
      await sink.close();
    }
  });
});
