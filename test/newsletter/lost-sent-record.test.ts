// A run does not wait for a delivery's "sent" record: the subscriber's watermark is on disk
// first, and the record follows with the next write. A crash can therefore lose "sent" records
// of digests that went out. The files are left as such a crash leaves them (the run unfinished,
// its "sent" lines gone), and the next start must record those digests as sent without mailing
// anybody twice.
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RUNS_FOLDER } from '../../src/store/run-ledger.js';
import { createTestClock, makeDataDir, startTestService } from '../helpers/service.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { importSubscribers, publish } from './fixtures.js';

const SUBSCRIBERS = 40;

describe('newsletter: "sent" records lost in a crash', function () {
  this.timeout(60_000);
  let sink: SmtpSink;
  let dataDir: string;
  const clock = createTestClock();
  const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `lost${i}@example.org`);

  before(async () => {
    sink = await startSmtpSink({ delayMs: 15 });
    dataDir = await makeDataDir();
  });

  after(async () => {
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => startTestService({ DATA_DIR: dataDir, SMTP_URL: sink.url }, { clock });

  it('a digest whose watermark is on disk but whose "sent" record is not counts as sent at the resume, and is not mailed again', async () => {
    const first = await start();
    await importSubscribers(first, emails.map((email) => ({ email })));
    await publish(first, 'Sent, then forgotten', ['Notizie']);
    // Stopped mid-run, as SIGTERM does: the run stays unfinished and resumes at the next start.
    const running = first.ctx.newsletter.run('manual').catch((err: unknown) => err);
    await sink.waitFor(15, 20_000);
    await first.ctx.newsletter.stop();
    await running;
    await first.stop();
    const sentBefore = sink.messages.length;
    assert.ok(sentBefore < SUBSCRIBERS, `the stop came mid-run (${sentBefore} sent)`);

    // What a crash before those records reached the disk leaves: no "sent" line in the run's file.
    const [ledger] = await readdir(path.join(dataDir, RUNS_FOLDER));
    const file = path.join(dataDir, RUNS_FOLDER, ledger!);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const kept = lines.filter((line) => !line.includes('"state":"sent"'));
    assert.ok(lines.length - kept.length >= sentBefore, 'the sent digests had their records');
    await writeFile(file, kept.join('\n'));

    const second = await start();
    try {
      const [resumed] = await second.ctx.newsletter.resume();
      assert.equal(resumed!.counts.sent, SUBSCRIBERS, 'every digest is counted as sent');
    } finally {
      await second.stop();
    }
    const perRecipient = new Map<string, number>();
    for (const mail of sink.messages) for (const address of mail.rcptTo) perRecipient.set(address, (perRecipient.get(address) ?? 0) + 1);
    assert.deepEqual(emails.filter((email) => perRecipient.get(email) !== 1), [], 'everybody has exactly one digest');
  });
});
