// The real service as a child process (`node --import tsx src/main.ts`), for tests that kill it
// (SIGKILL) or stop it with a signal; resolves once it answers /healthz.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, freePort } from './service.js';
import { storeEnv } from './database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildService {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stderr: () => string;
}

/** Starts the service on DATA_DIR; `env` adds variables (PORT and BASE_URL to keep the same URL). */
export async function spawnService(dataDir: string, env: Record<string, string> = {}): Promise<ChildService> {
  const port = env.PORT ?? String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1', BASE_URL: url, ADMIN_TOKEN, SECRET: 'test-secret-0123456789abcdef', ...(await storeEnv(dataDir)), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => void (done = true));
  for (;;) {
    if (done) throw new Error(`the service exited before answering /healthz: ${stderr}`);
    const healthy = await fetch(`${url}/healthz`).then((res) => res.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url, exited, stderr: () => stderr };
}
