// A Notiziario with the demo articles, dates in Europe/Rome and, unless SMTP_URL is given, its
// .eml outbox; and helpers that ask for pages as a browser would.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { seedDemoContent } from '../../src/seed/seed-demo.js';
import { startTestService, type TestService } from '../helpers/service.js';

export interface PagesService extends TestService {
  /** The messages written to DATA_DIR/outbox so far (once the background sends are done). */
  outbox(): Promise<string[]>;
  /** GET (or another method) with the headers of a same-origin browser navigation. */
  page(path: string, init?: RequestInit): Promise<Response>;
  /** Creates an article through the API. */
  createArticle(fields: Record<string, unknown>): Promise<{ id: string; slug: string }>;
}

export async function startPagesService(env: Record<string, string> = {}): Promise<PagesService> {
  const service = await startTestService({ TIMEZONE: 'Europe/Rome', ...env });
  await seedDemoContent(service.ctx);
  return Object.assign(service, {
    async outbox() {
      await service.ctx.background.idle();
      const names = await readdir(path.join(service.dataDir, 'outbox')).catch(() => [] as string[]);
      return names.filter((name) => name.endsWith('.eml'));
    },
    page(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml');
      return service.request(path, { redirect: 'manual', ...init, headers });
    },
    async createArticle(fields: Record<string, unknown>) {
      const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { contentHtml: '<p>Testo.</p>', ...fields } });
      if (res.status !== 201) throw new Error(`article not created: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; slug: string };
    },
  });
}

/** The `href`s of `<link rel="alternate">` elements in a page, with their types. */
export function alternateLinks(html: string): { type: string; href: string }[] {
  return [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">/g)].map((match) => ({ type: match[1]!, href: match[2]! }));
}
