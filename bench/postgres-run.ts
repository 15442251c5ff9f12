// One newsletter run on PostgreSQL, triggered through one instance's API while any other instance
// on the database joins it, timed and checked at the SMTP sink: every subscriber of the run got
// exactly one digest, and nobody else got any.
import { performance } from 'node:perf_hooks';
import type { Sql } from 'postgres';
import type { RunCounts } from '../src/domain/newsletter.js';
import type { Report } from './report.js';
import { runAddress } from './postgres-database.js';
import type { ServiceProcess } from './service-process.js';
import { sendAsAdmin } from './service-writes.js';
import type { KindTally, SmtpSinkWorker } from './smtp-sink.js';

const POLL_MS = 250;
const PROGRESS_EVERY_MS = 30_000;
const RUN_TIMEOUT_MS = 3 * 60 * 60 * 1000;

export interface RunFigures {
  /** Digests per second from the trigger to the last digest at the sink. */
  rate: number;
  /** Digests per second from the first digest to the last (choosing and recording the deliveries left out). */
  sendingRate: number;
  /** From the trigger to the first digest at the sink: the run chooses its subscribers and records the deliveries. */
  startMs: number;
  wallMs: number;
  digests: KindTally;
  /** Subscribers of the run without a digest, and addresses outside it that got one. */
  missing: number;
  unexpected: number;
  counts?: RunCounts;
}

/** Triggers a manual run on `trigger` and waits until the run is finished in the database. */
export async function timeRun(sql: Sql, trigger: ServiceProcess, sink: SmtpSinkWorker, expected: number, report: Report, label: string): Promise<RunFigures> {
  await sink.forget('digest');
  const before = new Set(await runIds(sql));
  const startedAt = performance.timeOrigin + performance.now();
  const answered = sendAsAdmin(`${trigger.url}/api/newsletter/runs`, 'POST');
  let failure: unknown;
  answered.then(
    (answer) => void (answer.status === 200 || (failure = new Error(`bench: the run answered ${answer.status}: ${answer.body.slice(0, 300)}`))),
    (err: unknown) => void (failure = err),
  );
  let lastProgress = Date.now();
  let counts: RunCounts | undefined;
  for (;;) {
    if (failure) throw failure;
    const [run] = await sql<{ status: string; counts: RunCounts }[]>`
      select record->>'status' as status, record->'counts' as counts from records
      where collection = 'runs' and not (id = any(${[...before]}::text[]))`;
    if (run?.status === 'finished') {
      counts = run.counts;
      break;
    }
    if (performance.timeOrigin + performance.now() - startedAt > RUN_TIMEOUT_MS) throw new Error(`bench: ${label} did not finish in ${RUN_TIMEOUT_MS / 60_000} minutes`);
    if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      const { messages, bySender } = await sink.tally('digest');
      report.progress(`postgres: ${label}, ${messages.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} digests at the sink ${JSON.stringify(bySender)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await answered;
  const digests = await sink.tally('digest', true);
  const arrivals = digests.arrivals ?? {};
  delete digests.arrivals;
  let missing = 0;
  for (let n = 0; n < expected; n += 1) if (!arrivals[runAddress(n)]) missing += 1;
  const wallMs = digests.lastAt - startedAt;
  return {
    rate: (digests.messages * 1000) / wallMs,
    sendingRate: ((digests.messages - 1) * 1000) / (digests.lastAt - digests.firstAt),
    startMs: digests.firstAt - startedAt,
    wallMs,
    digests,
    missing,
    unexpected: Object.keys(arrivals).length - (expected - missing),
    ...(counts ? { counts } : {}),
  };
}

async function runIds(sql: Sql): Promise<string[]> {
  return (await sql<{ id: string }[]>`select id from records where collection = 'runs'`).map((row) => row.id);
}

/** One line for the report: wall time, the phases, the senders' shares, and the exactly-once check. */
export function describeRun(run: RunFigures): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const senders = Object.entries(run.digests.bySender)
    .map(([sender, messages]) => `${sender} ${messages.toLocaleString('en-US')}`)
    .join(', ');
  const once = run.digests.duplicated === 0 && run.missing === 0 && run.unexpected === 0;
  return (
    `trigger → last digest ${seconds(run.wallMs)} s (choosing + recording deliveries until the first digest ${seconds(run.startMs)} s; sending ${run.sendingRate.toFixed(0)} msg/s) · ` +
    `sent by ${senders} · ` +
    (once
      ? `every subscriber of the run got exactly one digest (${run.digests.recipients.toLocaleString('en-US')})`
      : `NOT EXACTLY ONCE: ${run.digests.duplicated} got more than one (${run.digests.duplicatedExamples.join(', ')}), ${run.missing} got none, ${run.unexpected} outside the run got one`) +
    (run.counts ? ` · run counts sent ${run.counts.sent}, skipped ${run.counts.skipped}, deferred ${run.counts.deferred}, failed ${run.counts.failed}` : '')
  );
}
