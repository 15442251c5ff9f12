// A person at the console, without a browser: an account made through the same functions as
// the command line, a cookie jar, and forms posted with their CSRF token as a browser would.
import assert from 'node:assert/strict';
import { createAccount, setPassword } from '../../src/console/accounts.js';
import type { Role } from '../../src/domain/account.js';
import type { TestService } from '../helpers/service.js';

export const PASSWORD = 'correct horse battery';

export async function addAccount(service: TestService, email: string, role: Role, password = PASSWORD): Promise<void> {
  const { account } = await createAccount(service.ctx, 'test', email, role);
  await setPassword(service.ctx, account, password);
}

export interface ConsoleClient {
  get(path: string): Promise<Response>;
  /** Posts a form; the CSRF token of the last page read is added unless `csrf` says otherwise. */
  /** A list value is sent as one field per item (checkboxes). */
  post(path: string, fields: Record<string, string | string[]>, options?: { csrf?: string | null; headers?: Record<string, string>; file?: { field: string; name: string; bytes: Buffer } }): Promise<Response>;
  csrf(): string;
  cookies: Map<string, string>;
}

export function consoleClient(service: TestService): ConsoleClient {
  const cookies = new Map<string, string>();
  let csrf = '';
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  function remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (/Expires=Thu, 01 Jan 1970/.test(line) || !value) cookies.delete(name!);
      else cookies.set(name!, value);
    }
  }
  async function read(response: Response): Promise<Response> {
    remember(response);
    const body = await response.text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? csrf;
    return new Response(body, { status: response.status, headers: response.headers });
  }
  return {
    cookies,
    csrf: () => csrf,
    async get(path) {
      return read(await fetch(service.url + path, { headers: { cookie: cookieHeader() }, redirect: 'manual' }));
    },
    async post(path, fields, options = {}) {
      const token = options.csrf === undefined ? csrf : options.csrf;
      const all = Object.entries({ ...fields, ...(token === null ? {} : { _csrf: token }) }).flatMap(([name, value]) => [value].flat().map((item) => [name, item]));
      let body: URLSearchParams | FormData = new URLSearchParams(all);
      if (options.file) {
        const form = new FormData();
        for (const [name, value] of all) form.append(name!, value!);
        form.append(options.file.field, new Blob([new Uint8Array(options.file.bytes)]), options.file.name);
        body = form;
      }
      return read(await fetch(service.url + path, { method: 'POST', body, headers: { cookie: cookieHeader(), 'sec-fetch-site': 'same-origin', ...options.headers }, redirect: 'manual' }));
    },
  };
}

/** A client signed in as this account. */
export async function signedIn(service: TestService, email: string, password = PASSWORD): Promise<ConsoleClient> {
  const client = consoleClient(service);
  await client.get('/admin/sign-in');
  const response = await client.post('/admin/sign-in', { email, password });
  assert.equal(response.status, 303, `${email} signs in`);
  await client.get('/admin/articles');
  return client;
}
