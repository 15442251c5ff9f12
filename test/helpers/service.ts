// A real Notiziario on loopback for a test: its own DATA_DIR, a controllable clock, a quiet log.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { closeContext, createContext, type AppContext, type ContextOverrides } from '../../src/context.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { storeEnv } from './database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestService {
  ctx: AppContext;
  http: RunningServer;
  url: string;
  dataDir: string;
  clock: TestClock;
  /** fetch() against the service; `admin: true` adds the admin token. */
  request(path: string, init?: RequestInit & { admin?: boolean; json?: unknown }): Promise<Response>;
  /** Stops the server; keeps DATA_DIR unless `removeData`. */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

export interface TestClock {
  (): Date;
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function createTestClock(start: Date | string = '2026-11-27T09:00:00Z'): TestClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (date) => void (now = new Date(date).getTime());
  clock.advance = (ms) => void (now += ms);
  return clock;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'notiziario-test-'));
}

export async function testConfig(env: Record<string, string> = {}): Promise<Config> {
  const port = await freePort();
  const dataDir = env.DATA_DIR ?? (await makeDataDir());
  return loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: `http://127.0.0.1:${port}`,
    ADMIN_TOKEN,
    SECRET: 'test-secret-0123456789abcdef',
    ...(await storeEnv(dataDir)),
    ...env,
    DATA_DIR: dataDir,
  });
}

/** Starts a service; pass DATA_DIR in `env` to reopen an existing store. */
export async function startTestService(env: Record<string, string> = {}, overrides: ContextOverrides = {}): Promise<TestService> {
  const config = await testConfig(env);
  const clock = (overrides.clock as TestClock | undefined) ?? createTestClock();
  const ctx = await createContext(config, { log: createLogger({ level: process.env.LOG_LEVEL ?? 'silent' }), ...overrides, clock });
  const http = await startServer(ctx);
  ctx.websub.start();
  const url = http.url;
  return {
    ctx,
    http,
    url,
    dataDir: config.dataDir,
    clock,
    request(requestPath, init = {}) {
      const { admin, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (admin) headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(url + requestPath, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    async stop({ removeData = false } = {}) {
      await http.close();
      await closeContext(ctx);
      if (removeData) await rm(config.dataDir, { recursive: true, force: true });
    },
  };
}
