// The schedule only wires NEWSLETTER_CRON (in TIMEZONE) to the plain job function: checked with
// getNextRun() and execute(), never by waiting. And the email templates compile in MJML's strict mode.
import assert from 'node:assert/strict';
import mjml2html from 'mjml';
import type { ScheduledTask } from 'node-cron';
import { scheduleNewsletter } from '../../src/jobs/scheduler.js';
import { createEmailRenderer } from '../../src/newsletter/render-email.js';
import { createTemplateEnvironment } from '../../src/templates.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** The first instant after `after` at which the wall clock in `timeZone` reads hh:00:00. */
function nextWallClock(hour: number, timeZone: string, after: Date): Date {
  const parts = (date: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(date)
        .map((part) => [part.type, part.value]),
    );
  for (let day = 0; day < 3; day += 1) {
    const local = parts(new Date(after.getTime() + day * 86_400_000));
    for (let offsetHours = -14; offsetHours <= 14; offsetHours += 1) {
      const candidate = new Date(Date.UTC(Number(local.year), Number(local.month) - 1, Number(local.day), hour) - offsetHours * 3_600_000);
      const seen = parts(candidate);
      if (seen.year === local.year && seen.month === local.month && seen.day === local.day && Number(seen.hour) === hour && seen.minute === '00' && candidate > after) return candidate;
    }
  }
  throw new Error('no such instant in the next three days');
}

describe('newsletter: the schedule', () => {
  const services: TestService[] = [];
  const tasks: ScheduledTask[] = [];

  afterEach(async () => {
    for (const task of tasks.splice(0)) await task.destroy();
    for (const service of services.splice(0)) await service.stop({ removeData: true });
  });

  async function scheduled(env: Record<string, string>): Promise<{ service: TestService; task: ScheduledTask; due: ScheduledTask }> {
    const service = await startTestService(env);
    services.push(service);
    const schedule = scheduleNewsletter(service.ctx);
    tasks.push(schedule.digest, schedule.due, schedule.retries);
    return { service, task: schedule.digest, due: schedule.due };
  }

  for (const timeZone of ['Europe/Rome', 'America/New_York', 'UTC']) {
    it(`runs "0 8 * * *" at the next 08:00 in ${timeZone}`, async () => {
      const before = new Date();
      const { task } = await scheduled({ TIMEZONE: timeZone, NEWSLETTER_CRON: '0 8 * * *' });
      const next = task.getNextRun();
      assert.ok(next, 'the task is scheduled');
      assert.equal(next.toISOString(), nextWallClock(8, timeZone, before).toISOString());
      await task.stop();
    });
  }

  it('calls the same job function that the API calls: a run with trigger "schedule"', async () => {
    const { service, task } = await scheduled({ NEWSLETTER_CRON: '0 0 1 1 *' });
    await task.stop();
    assert.equal(service.ctx.store.newsletter.runs().length, 0);
    await task.execute();
    const runs = service.ctx.store.newsletter.runs();
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.trigger, 'schedule');
    assert.equal(runs[0]!.status, 'finished');
  });
});

describe('newsletter: the minute tick', () => {
  it('runs every minute and calls the job that sends to subscribers whose rhythm is due (a "due" run)', async () => {
    const service = await startTestService({ SITE_LANGUAGE: 'en' });
    const schedule = scheduleNewsletter(service.ctx);
    try {
      const next = schedule.due.getNextRun();
      assert.ok(next && next.getTime() - Date.now() <= 60_000 && next.getUTCSeconds() === 0, 'the next whole minute');
      service.clock.set('2026-05-04T07:00:00Z');
      const imported = await service.request('/api/subscribers', { method: 'POST', admin: true, json: [{ email: 'daily@example.org', frequency: 'daily', hour: 8, timezone: 'UTC' }] });
      assert.equal(imported.status, 200);
      service.clock.set('2026-05-04T07:30:00Z');
      assert.equal((await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'News', categories: ['Health'], contentHtml: '<p>Text.</p>' } })).status, 201);
      await schedule.due.stop();
      service.clock.set('2026-05-04T08:00:00Z');
      await schedule.due.execute();
      assert.deepEqual(service.ctx.store.newsletter.runs().map((run) => [run.trigger, run.counts.sent + run.counts.deferred + run.counts.failed]), [['due', 1]]);
    } finally {
      for (const task of [schedule.digest, schedule.due, schedule.retries]) await task.destroy();
      await service.stop({ removeData: true });
    }
  });
});

describe('newsletter: email templates', () => {
  const site = { baseUrl: 'http://127.0.0.1:1', title: 'Notiziario', language: 'it', timezone: 'Europe/Rome' };

  it('compile in strict mode at start (createEmailRenderer resolves)', async () => {
    const renderer = await createEmailRenderer(site);
    const digest = await renderer.digest([{ category: { slug: 'salute', name: 'Salute' }, articles: [] }]);
    assert.match(digest.html.parts[0]!, /^<!doctype html>/i);
    assert.equal(renderer.compiles, 1);
  });

  it('strict mode would stop a broken template (the same MJML with an unknown attribute throws)', async () => {
    const mjml = createTemplateEnvironment('email').render('confirm.mjml.njk', { lang: 'it', siteTitle: 'Notiziario', siteUrl: site.baseUrl, title: 't', preview: 'p', heading: 'h', intro: 'i', button: 'b', expiry: 'e', ignore: 'g' });
    await mjml2html(mjml, { validationLevel: 'strict' });
    const broken = mjml.replace('<mj-button ', '<mj-button not-an-attribute="1" ');
    assert.notEqual(broken, mjml);
    await assert.rejects(mjml2html(broken, { validationLevel: 'strict' }));
  });
});
