// A URL whose path parameter is not valid percent-encoding (`/categories/%ff`, `/articles/%`) is
// the client's mistake: 400, a readable page for people and problem+json for the API, and no
// error in the log (an error line means something for the operator to fix).
import assert from 'node:assert/strict';
import type { Router } from 'express';
import pino from 'pino';
import { createApp } from '../../src/http/app.js';
import { startTestService, type TestService } from '../helpers/service.js';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
}

/** Every route of the app as "METHOD path", nested routers included. */
function routesOf(stack: readonly RouteLayer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`);
    return layer.handle?.stack ? routesOf(layer.handle.stack) : [];
  });
}

describe('malformed percent-encoding in a URL', () => {
  let service: TestService;
  const logLines: { level: number; msg: string }[] = [];

  before(async () => {
    const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    service = await startTestService({}, { log });
  });

  after(async () => {
    await service.stop({ removeData: true });
  });

  beforeEach(() => {
    logLines.length = 0;
  });

  const errorLines = () => logLines.filter((line) => line.level >= pino.levels.values.error!);

  it('answers a person 400 with a readable page, and logs no error', async () => {
    for (const path of ['/categories/%ff', '/categories/%ff?page=2', '/articles/%', '/articles/%E0%A4%A', '/embed/%ff']) {
      const res = await service.request(path, { headers: { accept: 'text/html' } });
      assert.equal(res.status, 400, path);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, path);
      assert.match(await res.text(), /<h1>Link non valido<\/h1>/, path);
    }
    assert.deepEqual(errorLines(), []);
  });

  it('answers the API 400 with problem+json, before asking for a token, and logs no error', async () => {
    for (const [method, path] of [
      ['GET', '/api/articles/%ff'],
      ['PATCH', '/api/articles/%ff'],
      ['DELETE', '/api/articles/%ff'],
      ['DELETE', '/api/subscribers/%'],
    ] as const) {
      const res = await service.request(path, { method, ...(method === 'PATCH' ? { json: { title: 'x' } } : {}) });
      assert.equal(res.status, 400, `${method} ${path}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const problem = (await res.json()) as { title: string; errors: { field: string }[] };
      assert.equal(problem.title, 'Malformed URL');
      assert.deepEqual(problem.errors.map((error) => error.field), ['path']);
    }
    assert.deepEqual(errorLines(), []);
  });

  it('answers 400 on every route with a path parameter', async () => {
    const app = createApp(service.ctx) as unknown as { router: Router & { stack: RouteLayer[] } };
    const withParameter = routesOf(app.router.stack).filter((route) => route.includes('/:'));
    assert.ok(withParameter.length >= 7, withParameter.join('\n'));
    for (const route of withParameter) {
      const [method, pattern] = route.split(' ') as [string, string];
      const res = await service.request(pattern.replace(/:[a-z]+/gi, '%ff'), { method, admin: true });
      assert.equal(res.status, 400, route);
    }
    assert.deepEqual(errorLines(), []);
  });
});
