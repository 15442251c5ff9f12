// The real service (`node --import tsx src/main.ts`) as a child process for the benchmark, as an
// operator would run it: its own event loop and heap, configured only through the environment.
// It resolves once /healthz answers, and stops with SIGTERM (a graceful stop).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { msSince } from './fixtures.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';
/** One database, many instances: they sign and check links alike only with one SECRET and one BASE_URL. */
const SHARED_ENV = {
  ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
  SECRET: 'bench-secret-0123456789abcdef',
  BASE_URL: 'https://notiziario.example.org',
  HOST: '127.0.0.1',
  // No scheduled digest during the benchmark (the default is every day at 08:00).
  NEWSLETTER_CRON: '0 0 1 1 *',
};
const START_TIMEOUT_MS = 15 * 60 * 1000;
const STOP_TIMEOUT_MS = 60_000;
/** Log lines kept from the end of the service's output, shown when something goes wrong. */
const TAIL_LINES = 30;

export interface ServiceProcess {
  url: string;
  pid: number;
  /** From spawn to the first healthy /healthz (Node and tsx boot and the store's load included). */
  startMs: number;
  /** Warnings and errors the service logged so far, and the last lines of its output. */
  problems(): { warnings: number; tail: string[] };
  stop(): Promise<void>;
}

/** Starts the service on DATA_DIR with these variables (DATABASE_URL, SMTP_URL…) on a free port. */
export async function startService(dataDir: string, env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...SHARED_ENV, DATA_DIR: dataDir, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = watchOutput(child);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = signal ?? `code ${code}`;
      resolve();
    }),
  );
  for (;;) {
    if (exited) throw new Error(`bench: the service exited (${exited}) before answering /healthz: ${output.tail().join('\n')}`);
    if (msSince(started) > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error('bench: the service did not answer /healthz in time');
    }
    if (await fetch(`${url}/healthz`).then((res) => res.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    startMs: msSince(started),
    problems: () => ({ warnings: output.warnings(), tail: output.tail() }),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Counts the service's log lines at warn (40) and above, and keeps the last few lines. */
function watchOutput(child: ChildProcess) {
  const lines: string[] = [];
  let warnings = 0;
  let partial = '';
  const take = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop()!;
    for (const line of complete) {
      if (/"level":(4|5|6)\d/.test(line)) warnings += 1;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return { warnings: () => warnings, tail: () => [...lines] };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
