// Newsletter part, rhythms: 100,000 subscribers (BENCH_RHYTHM_SUBSCRIBERS) over 24 zones and the
// three frequencies. The minute tick (ctx.newsletter.sendDue, what node-cron calls) when nobody
// is due, at the full size and at a tenth of it (it should not grow with the list), and the tick
// that sends to the ~4% who are due, against nodemailer alone sending as many pre-rendered
// messages through a pool with the same options in the same run.
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createArticle } from '../src/articles/edit-articles.js';
import { closeContext, createContext, type AppContext } from '../src/context.js';
import type { Frequency } from '../src/domain/cadence.js';
import { groupDigest } from '../src/domain/newsletter.js';
import { EMAIL_TEXT } from '../src/i18n/email.js';
import { languageOf } from '../src/i18n/locale.js';
import { personalize } from '../src/newsletter/render-email.js';
import { importSubscribers } from '../src/newsletter/subscribers-admin.js';
import { subscriberLinks } from '../src/newsletter/subscriptions.js';
import { CATEGORIES, seededRandom } from './content.js';
import { benchConfig, median, tempDir } from './fixtures.js';
import { measure, sendBaseline } from './newsletter.js';
import type { Report } from './report.js';
import { startSmtpSinkWorker } from './smtp-sink.js';

const SUBSCRIBERS = Number(process.env.BENCH_RHYTHM_SUBSCRIBERS ?? 100_000);
const SEED = 1_212;
/** Monday 4 May 2026, 08:00 in Rome (CEST): the measured due tick. */
const T = Date.parse('2026-05-04T06:00:00.000Z');
const MINUTE = 60_000;
/** Zones a whole or half hour apart; Rome first. */
const ZONES = [
  'Europe/Rome', 'Europe/London', 'Atlantic/Azores', 'America/Noronha', 'America/Sao_Paulo', 'America/New_York', 'America/Chicago', 'America/Denver',
  'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'Pacific/Pago_Pago', 'Pacific/Kiritimati', 'Pacific/Auckland', 'Australia/Sydney', 'Asia/Tokyo',
  'Asia/Shanghai', 'Asia/Bangkok', 'Asia/Dhaka', 'Asia/Kolkata', 'Asia/Karachi', 'Asia/Dubai', 'Europe/Moscow', 'Europe/Athens',
];
/**
 * Readers of an Italian site: Rome holds this share, the other 23 zones the rest evenly. Daily
 * and weekly readers keep the default 08:00 (and Monday), so the tick of Monday 08:00 in Rome
 * finds about 4% of the list due.
 */
const ROME_SHARE = 0.06;
const PART = `newsletter rhythms, ${SUBSCRIBERS.toLocaleString('en-US')} subscribers × 24 zones × 3 frequencies`;

export async function benchNewsletterRhythms(report: Report): Promise<void> {
  const sink = await startSmtpSinkWorker();
  try {
    report.progress(`rhythms: a tenth of the list (${(SUBSCRIBERS / 10).toLocaleString('en-US')}), idle ticks`);
    const small = await prepare(SUBSCRIBERS / 10, sink.url);
    await small.ctx.newsletter.sendDue(); // T's own tick: whoever is due at 08:00 in Rome
    const idleSmall = await idleTicks(small);
    await closeContext(small.ctx);

    report.progress(`rhythms: ${SUBSCRIBERS.toLocaleString('en-US')} subscribers`);
    const prepared = await prepare(SUBSCRIBERS, sink.url);
    const { ctx } = prepared;
    try {
      const sample = await renderedDaily(ctx);
      let sent = 0;
      report.progress('rhythms: the due tick (Monday 08:00 in Rome)');
      const tick = await measure(sink, async () => {
        sent = (await ctx.newsletter.sendDue())?.counts.sent ?? 0;
      });
      report.progress(`rhythms: ${sent} sent; baseline, nodemailer alone`);
      const recipients = Array.from({ length: sent }, (_, i) => ({ address: `baseline${i}@example.org` }));
      const baseline = await measure(sink, () => sendBaseline(ctx, sample, recipients));
      const idle = await idleTicks(prepared);
      const rate = (timing: { ms: number; received: { messages: number } }) => (timing.received.messages * 1000) / timing.ms;
      report.figure(PART, 'minute tick, nobody due (median)', idle.median, 'ms', `p99 ${idle.p99.toFixed(3)} ms over ${idle.count} ticks; at ${(SUBSCRIBERS / 10).toLocaleString('en-US')} subscribers: median ${idleSmall.median.toFixed(3)} ms, p99 ${idleSmall.p99.toFixed(3)} ms · target < 1 ms`);
      report.figure(PART, 'minute tick with subscribers due', rate(tick), 'messages/s', `${sent.toLocaleString('en-US')} due and sent in ${(tick.ms / 1000).toFixed(1)} s · sender event loop busy ${(tick.elu * 100).toFixed(0)}%, max delay ${tick.maxDelayMs.toFixed(0)} ms`);
      report.figure(PART, 'nodemailer alone, same count, pre-rendered', rate(baseline), 'messages/s', `${baseline.received.messages.toLocaleString('en-US')} messages in ${(baseline.ms / 1000).toFixed(1)} s`);
      report.ratio('newsletter rhythms: due tick / nodemailer alone messages/s', rate(tick) / rate(baseline), { atLeast: 0.8 });
      report.ratio('newsletter rhythms: idle tick at full size / at a tenth', idle.median / idleSmall.median, { atMost: 2 });
    } finally {
      await closeContext(ctx);
    }
  } finally {
    await sink.close();
  }
}

interface Prepared {
  ctx: AppContext;
  setNow(instant: number): void;
}

/** A context with `count` subscribers and, since they joined, a new article in every category. */
async function prepare(count: number, smtpUrl: string): Promise<Prepared> {
  // Yesterday's articles make the categories; the list joins ten minutes before T, so each reader's
  // next slot is their next 08:00 (in steady state, the ticks of the day before served the rest).
  let now = T - 24 * 60 * MINUTE;
  const config = benchConfig(await tempDir('rhythms'), { SMTP_URL: smtpUrl, SITE_LANGUAGE: 'en' });
  const ctx = await createContext(config, { clock: () => new Date(now), log: pino({ level: 'silent' }) });
  const random = seededRandom(SEED);
  const frequencies: Frequency[] = ['immediate', 'daily', 'weekly'];
  const list = Array.from({ length: count }, (_, i) => {
    const zone = random() < ROME_SHARE ? ZONES[0]! : ZONES[1 + Math.floor(random() * (ZONES.length - 1))]!;
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    return { email: `ritmo${i}@example.org`, categories: [category.slug], frequency: frequencies[i % 3], timezone: zone };
  });
  for (const category of CATEGORIES) await createArticle(ctx, { title: `Yesterday in ${category.name}`, contentHtml: '<p>Old.</p>', categories: [category.name], status: 'published' });
  now = T - 10 * MINUTE;
  await importAll(ctx, list.filter((entry) => entry.frequency !== 'immediate'));
  now = T - 5 * MINUTE;
  for (const category of CATEGORIES) await createArticle(ctx, { title: `This morning in ${category.name}`, contentHtml: '<p>New.</p>', categories: [category.name], status: 'published' });
  // Immediate readers came after this morning's articles: nothing waits for them at T.
  now = T - 4 * MINUTE;
  await importAll(ctx, list.filter((entry) => entry.frequency === 'immediate'));
  now = T;
  return { ctx, setNow: (instant) => void (now = instant) };
}

async function importAll(ctx: AppContext, list: object[]): Promise<void> {
  const imported = await importSubscribers(ctx, list);
  if (imported.imported !== list.length) throw new Error(`bench: imported ${imported.imported} of ${list.length}: ${JSON.stringify(imported.errors.slice(0, 3))}`);
}

/** Ticks in the minutes after T: nobody is due until the next whole hour. */
async function idleTicks({ ctx, setNow }: Prepared): Promise<{ median: number; p99: number; count: number }> {
  const times: number[] = [];
  for (let minute = 1; minute < 60; minute += 1) {
    setNow(T + minute * MINUTE);
    // The same minute ticked again is just as idle: more samples without moving the clock.
    for (let repeat = 0; repeat < 20; repeat += 1) {
      const start = performance.now();
      const run = await ctx.newsletter.sendDue();
      times.push(performance.now() - start);
      if (run) throw new Error(`bench: a tick at ${ctx.clock().toISOString()} sent something`);
    }
  }
  times.sort((a, b) => a - b);
  return { median: median(times), p99: times[Math.floor(times.length * 0.99)]!, count: times.length };
}

/** A daily digest of one category, personalised, as the baseline's message. */
async function renderedDaily(ctx: AppContext) {
  const category = CATEGORIES[0]!;
  const articles = ctx.store.articles.listDueSince([category.slug], ctx.clock(), new Date(T - 10 * MINUTE));
  const template = await ctx.emails.digest(groupDigest(articles, [category]), 'daily');
  const links = subscriberLinks(ctx, 'baseline');
  const mail = personalize(template, { greeting: EMAIL_TEXT[languageOf(ctx.config.siteLanguage)].greeting(), ...links });
  return { ...mail, headers: { 'List-Unsubscribe': `<${links.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } };
}
