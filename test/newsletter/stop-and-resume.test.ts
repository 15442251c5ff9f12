// A graceful stop pauses a run after the sends in flight; a stop that comes while the next start
// is still resuming that run must not start another run with the same articles. Three services
// in turn on one DATA_DIR: in the end everybody has exactly one digest.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createTestClock, makeDataDir, startTestService, type TestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { importSubscribers, publish } from './fixtures.js';

const SUBSCRIBERS = 60;

describe('newsletter: stopping and resuming a run', function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let dataDir: string;
  const clock = createTestClock();
  const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `pause${i}@example.org`);

  before(async () => {
    sink = await startSmtpSink({ delayMs: 15 });
    dataDir = await makeDataDir();
  });

  after(async () => {
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => startTestService({ DATA_DIR: dataDir, SMTP_URL: sink.url }, { clock });

  /** Starts a run, lets `messages` more arrive, then stops the job as SIGTERM does. */
  async function stopMidRun(service: TestService, messages: number): Promise<void> {
    const running = service.ctx.newsletter.run('manual').catch((err: unknown) => err);
    await sink.waitFor(sink.messages.length + messages, 20_000);
    await service.ctx.newsletter.stop();
    await running;
    await service.stop();
  }

  it('pauses, is stopped again while resuming, and still sends everybody one digest', async () => {
    const first = await start();
    await importSubscribers(first, emails.map((email) => ({ email })));
    await publish(first, 'Paused but not lost', ['Notizie']);
    await stopMidRun(first, 10);
    const afterFirst = sink.messages.length;
    assert.ok(afterFirst < SUBSCRIBERS, `the first stop came mid-run (${afterFirst} sent)`);

    const second = await start();
    const runs = second.ctx.store.newsletter.runs().length;
    await stopMidRun(second, 10);
    const reopened = await start();
    assert.equal(reopened.ctx.store.newsletter.runs().length, runs, 'no new run was started while the old one was being resumed');
    assert.ok(sink.messages.length < SUBSCRIBERS, 'the second stop came mid-resume');

    await reopened.ctx.newsletter.resume();
    const last = await reopened.ctx.newsletter.run('manual');
    assert.equal(last.counts.sent, 0, 'nothing new after the resumed run');
    await reopened.stop();

    const perRecipient = new Map<string, number>();
    for (const mail of sink.messages) for (const address of mail.rcptTo) perRecipient.set(address, (perRecipient.get(address) ?? 0) + 1);
    assert.deepEqual(emails.filter((email) => perRecipient.get(email) !== 1), [], 'everybody has exactly one digest');
  });
});
