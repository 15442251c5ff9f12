// What the newsletter tests share: a service wired to a real SMTP sink on loopback, and the few
// calls every test makes (write an article, import subscribers, run, read a mail's links).
import assert from 'node:assert/strict';
import type { RunRecord, SubscriberRecord } from '../../src/domain/newsletter.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink, type SmtpSinkOptions } from '../helpers/smtp.js';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface MailedService {
  service: TestService;
  sink: SmtpSink;
  stop(): Promise<void>;
}

/** A service whose mail goes through the real nodemailer SMTP pool to a sink on loopback. */
export async function startMailedService(env: Record<string, string> = {}, sinkOptions: SmtpSinkOptions = {}): Promise<MailedService> {
  const sink = await startSmtpSink(sinkOptions);
  const service = await startTestService({ SMTP_URL: sink.url, SITE_LANGUAGE: 'en', ...env });
  return {
    service,
    sink,
    async stop() {
      await service.stop({ removeData: true });
      await sink.close();
    },
  };
}

export interface ArticleView {
  id: string;
  slug: string;
  title: string;
  url: string;
  publishedAt: string;
}

/** Publishes an article one minute after whatever happened before (so "new since" is unambiguous). */
export async function publish(service: TestService, title: string, categories: string[], extra: Record<string, unknown> = {}): Promise<ArticleView> {
  service.clock.advance(MINUTE);
  const res = await service.request('/api/articles', { method: 'POST', admin: true, json: { title, categories, contentHtml: `<p>${title}: the text.</p>`, ...extra } });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as ArticleView;
}

export interface ImportResult {
  imported: number;
  skipped: number;
  errors: { index: number; field: string; message: string }[];
}

export async function importSubscribers(service: TestService, list: unknown[]): Promise<ImportResult> {
  service.clock.advance(MINUTE);
  const res = await service.request('/api/subscribers', { method: 'POST', admin: true, json: list });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as ImportResult;
}

/** Runs the newsletter through the API, one minute after what came before. */
export async function runNewsletter(service: TestService): Promise<RunRecord> {
  service.clock.advance(MINUTE);
  const res = await service.request('/api/newsletter/runs', { method: 'POST', admin: true });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as RunRecord;
}

export function subscriber(service: TestService, email: string): SubscriberRecord {
  const found = service.ctx.store.newsletter.subscriberByEmail(email);
  assert.ok(found, `no subscriber ${email}`);
  return found;
}

/** Messages received since `from` (an index into sink.messages) by one address. */
export function mailsTo(sink: SmtpSink, address: string, from = 0): ReceivedMail[] {
  return sink.messages.slice(from).filter((mail) => mail.rcptTo.includes(address));
}

export function textOf(mail: ReceivedMail): string {
  assert.equal(typeof mail.parsed.text, 'string', 'the message has a text/plain part');
  return mail.parsed.text as string;
}

export function htmlOf(mail: ReceivedMail): string {
  assert.equal(typeof mail.parsed.html, 'string', 'the message has an HTML part');
  return mail.parsed.html as string;
}

/** The first link in the text part that starts with this URL (e.g. `${base}/subscriptions/confirm`). */
export function linkIn(mail: ReceivedMail, prefix: string): string {
  const link = textOf(mail)
    .split(/\s+/)
    .find((word) => word.startsWith(prefix));
  assert.ok(link, `no link starting with ${prefix} in:\n${textOf(mail)}`);
  return link;
}

/**
 * Follows a confirmation link as a person does: the page it opens (which changes nothing), then
 * that page's button, a same-origin POST of the form with its token. Returns the POST's answer.
 */
export async function confirmByLink(service: TestService, link: string): Promise<Response> {
  const { pathname, search } = new URL(link);
  const page = await service.request(pathname + search);
  assert.equal(page.status, 200, `the confirmation link ${link} opens a page`);
  const html = await page.text();
  const form = /<form method="post" action="([^"]+)">\s*<input type="hidden" name="token" value="([^"]+)">/.exec(html);
  assert.ok(form, `a confirmation form in:\n${html}`);
  const body = new URLSearchParams({ token: form[2]! }).toString();
  return service.request(form[1]!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body });
}

export function tokenOf(link: string): string {
  const token = new URL(link).searchParams.get('token');
  assert.ok(token, `no token in ${link}`);
  return token;
}

/** Raw header lines with this name, unfolded (mailparser folds List-* headers into `list`). */
export function rawHeaders(mail: ReceivedMail, name: string): string[] {
  const head = mail.raw.split(/\r?\n\r?\n/, 1)[0]!;
  return head
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}

/** A token with one character of its signature changed. */
export function tamper(token: string): string {
  const dot = token.indexOf('.');
  const at = dot + 5;
  const flipped = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + flipped + token.slice(at + 1);
}

/** Awaits a promise that must reject with an HttpError of this status. */
export async function expectStatus(promise: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(promise, (err: { status?: number }) => {
    assert.equal(err.status, status);
    return true;
  });
}
