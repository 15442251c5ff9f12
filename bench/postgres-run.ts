// One newsletter run on PostgreSQL, triggered through one instance's API while any other instance
// on the database joins it, timed and checked at the SMTP sink: every subscriber of the run got
// exactly one digest, and nobody else got any.
import { performance } from 'node:perf_hooks';
import type { Sql } from 'postgres';
import type { RunCounts } from '../src/domain/newsletter.js';
import { cpuOf, cpuSpent } from './process-cpu.js';
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
  /** CPU time per digest: the service instances together, PostgreSQL's backends for this database, the sink. */
  cpuMsPerDigest: { instances: number; postgres: number; sink: number };
}

/** Triggers a manual run on the first of `instances` and waits until the run is finished in the database. */
export async function timeRun(sql: Sql, instances: ServiceProcess[], sink: SmtpSinkWorker, expected: number, report: Report, label: string): Promise<RunFigures> {
  const trigger = instances[0]!;
  await sink.forget('digest');
  const before = new Set(await runIds(sql));
  const cpuBefore = await cpuReadings(sql, instances, sink);
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
  const cpuAfter = await cpuReadings(sql, instances, sink);
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
    cpuMsPerDigest: {
      instances: cpuSpent(cpuBefore.instances, cpuAfter.instances) / digests.messages,
      postgres: cpuSpent(cpuBefore.postgres, cpuAfter.postgres) / digests.messages,
      sink: cpuSpent(cpuBefore.sink, cpuAfter.sink) / digests.messages,
    },
  };
}

async function cpuReadings(sql: Sql, instances: ServiceProcess[], sink: SmtpSinkWorker) {
  const backends = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
  return { instances: await cpuOf(instances.map((instance) => instance.pid)), postgres: await cpuOf(backends.map((row) => row.pid)), sink: await cpuOf(sink.pid ? [sink.pid] : []) };
}

async function runIds(sql: Sql): Promise<string[]> {
  return (await sql<{ id: string }[]>`select id from records where collection = 'runs'`).map((row) => row.id);
}

/**
 * What the run's CPU cost would allow on this machine with nothing else running: each instance's
 * event loop is one core at most, and all the processes share the machine's cores. On a busy
 * machine the wall-clock rate only says how much of it the run got.
 */
export function cpuCeiling(run: RunFigures, instances: number, cores: number): number {
  const { instances: service, postgres, sink } = run.cpuMsPerDigest;
  return Math.min((instances * 1000) / service, (cores * 1000) / (service + postgres + sink));
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
    `CPU per digest: instances ${run.cpuMsPerDigest.instances.toFixed(2)} ms, PostgreSQL ${run.cpuMsPerDigest.postgres.toFixed(2)} ms, sink ${run.cpuMsPerDigest.sink.toFixed(2)} ms · ` +
    (once
      ? `every subscriber of the run got exactly one digest (${run.digests.recipients.toLocaleString('en-US')})`
      : `NOT EXACTLY ONCE: ${run.digests.duplicated} got more than one (${run.digests.duplicatedExamples.join(', ')}), ${run.missing} got none, ${run.unexpected} outside the run got one`) +
    (run.counts ? ` · run counts sent ${run.counts.sent}, skipped ${run.counts.skipped}, deferred ${run.counts.deferred}, failed ${run.counts.failed}` : '')
  );
}
