// The newsletter job: one function coordinates a run. It chooses each subscriber's articles,
// records them in the ledger, and sends, writing the delivery's outcome after each SMTP
// transaction; a watermark moves only once its delivery is sent. An interrupted run resumes.
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { NewsletterDeps } from './deps.js';
import { isDue, listedAt, type ArticleRecord } from '../domain/article.js';
import { afterDelivery, afterFailure, followedCategories, groupDigest, isMailable, type DeliveryRecord, type RunCounts, type RunRecord, type SubscriberRecord } from '../domain/newsletter.js';
import { HttpError } from '../http/errors.js';
import { EMAIL_TEXT } from '../i18n/email.js';
import { languageOf } from '../i18n/locale.js';
import { withoutAddresses } from '../mail/hidden-addresses.js';
import { isPermanentFailure } from '../mail/mailer.js';
import { findDueDigests, rescheduleAfter, type DueSubscriber } from './due-digests.js';
import { messageIdFor } from './message-id.js';
import { personalizeMessage } from './render-email.js';
import { claimDeliveries, createTrailingWrites, forEachConcurrently, type TrailingWrites } from './run-workers.js';
import { allCategorySlugs } from './categories.js';
import { forgetExpiredPending, subscriberLinks } from './subscriptions.js';
import { subscriberSlices } from '../store/newsletter.js';

/** Digests in flight at once; the SMTP pool queues what its connections cannot take yet. */
export const SENDS_IN_FLIGHT = 20;
/**
 * How long a claimed delivery is this sender's: another instance takes it after that (the
 * sender died). Far longer than an SMTP transaction, so a live sender is never doubled.
 */
export const CLAIM_LEASE_MS = 5 * 60 * 1000;
/** Subscribers looked at between two turns of the event loop when a run starts. */
const SUBSCRIBERS_PER_SLICE = 1000;
/** A subscriber away for long gets the newest articles, not an endless list. */
const MAX_DIGEST_ARTICLES = 30;
/** Distinct article choices a run's start remembers, so that subscribers alike share one list. */
const REMEMBERED_CHOICES = 10_000;

export type Progress = (done: number, total: number) => void;

export interface NewsletterJob {
  /** Finishes any interrupted run, then runs anew; a second call while one runs gets a 409. */
  run(trigger: 'schedule' | 'manual', progress?: Progress): Promise<RunRecord>;
  /** Sends again to deferred subscribers whose backoff has passed; no run is recorded if none. */
  retryDeferred(): Promise<RunRecord | undefined>;
  /**
   * What the scheduler calls every minute: sends to the subscribers whose rhythm makes them due
   * now. A run is recorded only when one of them has something new.
   */
  sendDue(): Promise<RunRecord | undefined>;
  /** Finishes runs that a crash interrupted (called at start). */
  resume(progress?: Progress): Promise<RunRecord[]>;
  /**
   * For a graceful stop: sends in flight finish, the rest stay pending, and the run resumes at
   * the next start. No run starts afterwards.
   */
  stop(): Promise<void>;
  readonly isRunning: boolean;
}

/** What every delivery of a run shares, worked out once per run. */
interface RunScope {
  ctx: NewsletterDeps;
  shouldStop: () => boolean;
  /** Every visible category, for subscribers who follow them all. */
  allSlugs: string[];
  greeting: (name?: string) => string;
  /** The "sent" records, which the run does not wait for (see deliver). */
  trailing: TrailingWrites;
}

/** At start, immediate subscribers are looked at for articles of the last day that they lack. */
const IMMEDIATE_LOOKBACK_MS = 24 * 60 * 60 * 1000;

export function createNewsletterJob(ctx: NewsletterDeps): NewsletterJob {
  let active: Promise<unknown> | undefined;
  let stopping = false;
  /** Articles published up to this instant were looked at for immediate subscribers. */
  let immediateHorizon: number | undefined;
  const scope = (): RunScope => ({
    ctx,
    shouldStop: () => stopping,
    allSlugs: allCategorySlugs(ctx),
    greeting: EMAIL_TEXT[languageOf(ctx.config.siteLanguage)].greeting,
    trailing: createTrailingWrites(),
  });

  // Two runs never overlap: the cron tick and a manual run at once get one run and one 409.
  async function exclusively<T>(work: () => Promise<T>): Promise<T> {
    if (stopping) throw new HttpError(503, 'Stopping', 'The service is stopping; the newsletter runs at the next start.');
    if (active) throw new HttpError(409, 'A newsletter run is in progress', 'Wait for it to finish, then look at GET /api/newsletter/runs.');
    const running = work();
    active = running;
    try {
      return await running;
    } finally {
      active = undefined;
    }
  }

  const resumeAll = async (progress?: Progress) => {
    const finished: RunRecord[] = [];
    for (const run of ctx.store.newsletter.unfinishedRuns()) finished.push(await finishRun(scope(), run, progress));
    return finished;
  };

  /** Resumes what a crash left, then starts a run, unless a stop came meanwhile. */
  async function resumeThenRun(trigger: RunRecord['trigger'], progress?: Progress): Promise<RunRecord | undefined> {
    const resumed = await resumeAll(progress);
    // A stop during the resume leaves that run pending: a new run now would choose the same articles.
    if (stopping) return resumed.at(-1);
    const run = trigger === 'due' ? await startDueRun() : await startRun(scope(), trigger, candidates(trigger));
    return run && finishRun(scope(), run, progress);
  }

  function candidates(trigger: RunRecord['trigger']): Iterable<DueSubscriber> {
    const { newsletter } = ctx.store;
    if (trigger === 'retry') return newsletter.deferredSubscribers().map((subscriber) => ({ subscriber }));
    // NEWSLETTER_CRON serves those who chose no rhythm; a manual run, everyone with something new.
    return keep(confirmedSubscribers(newsletter), (subscriber) => trigger !== 'schedule' || !subscriber.rhythm);
  }

  /** The run of a tick: the due subscribers' deliveries recorded first, then their next times. */
  async function startDueRun(): Promise<RunRecord | undefined> {
    const now = ctx.clock();
    const until = now.getTime() - ctx.config.immediateDelayMs;
    const since = immediateHorizon ?? until - IMMEDIATE_LOOKBACK_MS;
    const { due, reschedule } = findDueDigests(ctx, now, since);
    const run = due.length ? await startRun(scope(), 'due', due, now) : undefined;
    // After the run is on disk: a crash between the two sends the slot's digest once, at restart.
    if (reschedule.length) await ctx.store.newsletter.rescheduleSubscribers(reschedule, rescheduleAfter(now));
    immediateHorizon = Math.max(since, until);
    return run;
  }

  // A run started by another instance on the same database (or left by one that died) is joined:
  // its deliveries are claimed by whoever sends, so the instances share it.
  ctx.store.newsletter.onRunsChange(() => {
    if (active || stopping || ctx.store.newsletter.unfinishedRuns().length === 0) return;
    setImmediate(() =>
      exclusively(() => resumeAll()).catch((err: unknown) => {
        // A 409 means this instance got busy meanwhile: it looks at open runs when it is done.
        if (!(err instanceof HttpError)) ctx.log.error({ err }, 'unable to join the newsletter run');
      }),
    );
  });

  return {
    run: (trigger, progress) =>
      exclusively(async () => {
        const run = await resumeThenRun(trigger, progress);
        if (!run) throw new HttpError(503, 'Stopping', 'The service is stopping; the newsletter runs at the next start.');
        return run;
      }),
    retryDeferred: () => exclusively(() => resumeThenRun('retry')),
    sendDue: () => exclusively(() => resumeThenRun('due')),
    resume: (progress) => exclusively(() => resumeAll(progress)),
    async stop() {
      stopping = true;
      await active?.catch(() => undefined);
    },
    get isRunning() {
      return active !== undefined;
    },
  };
}

/**
 * Chooses each confirmed candidate's new articles and records the run with its deliveries, a
 * slice at a time as the candidates are walked: a run to a million never holds a million
 * deliveries. A retry or due run is not recorded when nobody has anything to send.
 */
async function startRun({ ctx, allSlugs }: RunScope, trigger: RunRecord['trigger'], candidates: Iterable<DueSubscriber>, now = ctx.clock()): Promise<RunRecord | undefined> {
  await forgetExpiredPending(ctx, now);
  const at = now.toISOString();
  const run: RunRecord = { id: randomUUID(), trigger, startedAt: at, status: 'running', counts: { sent: 0, skipped: 0, deferred: 0, failed: 0 } };
  // Subscribers who follow the same categories since the same instant get the same articles: the
  // choice is made once and its list shared.
  const choices = new Map<string, string[]>();
  const choose = (categories: string[], since: string) => {
    const key = `${since}|${categories.join(',')}`;
    let articleIds = choices.get(key);
    if (!articleIds) {
      if (choices.size >= REMEMBERED_CHOICES) choices.clear();
      articleIds = ctx.store.articles.listDueSince(categories, now, new Date(since)).slice(0, MAX_DIGEST_ARTICLES).map((article) => article.id);
      choices.set(key, articleIds);
    }
    return articleIds;
  };
  let recorded = 0;
  async function* slices(): AsyncGenerator<DeliveryRecord[]> {
    let slice: DeliveryRecord[] = [];
    let index = 0;
    for (const { subscriber, kind } of candidates) {
      // A pass over a million subscribers takes seconds: requests are served between slices.
      if (++index % SUBSCRIBERS_PER_SLICE === 0) {
        if (slice.length) yield slice;
        slice = [];
        await yieldToEventLoop();
      }
      if (subscriber.status !== 'confirmed') continue;
      const since = subscriber.watermark ?? subscriber.confirmedAt ?? subscriber.createdAt;
      const articleIds = isMailable(subscriber, now) ? choose(followedCategories(subscriber, () => allSlugs), since) : [];
      if (articleIds.length === 0) {
        run.counts.skipped += 1;
        continue;
      }
      const id = randomUUID();
      recorded += 1;
      slice.push({
        id,
        runId: run.id,
        subscriberId: subscriber.id,
        articleIds,
        cutoff: at,
        state: 'pending',
        messageId: messageIdFor(ctx.config.mailFrom, `digest.${id}`),
        updatedAt: at,
        ...(kind ? { kind } : {}),
      });
    }
    if (slice.length) yield slice;
  }
  const deliveries = slices();
  const first = await deliveries.next();
  if ((trigger === 'retry' || trigger === 'due') && first.done) return undefined;
  await ctx.store.newsletter.addRun(
    run,
    (async function* () {
      if (!first.done) yield first.value;
      yield* deliveries;
    })(),
  );
  ctx.log.info({ run: run.id, trigger, deliveries: recorded, skipped: run.counts.skipped }, 'newsletter run started');
  return run;
}

/** Sends every delivery of the run that this instance can claim, then records the run's counts once none is open. */
async function finishRun(scope: RunScope, run: RunRecord, progress?: Progress): Promise<RunRecord> {
  const { ctx } = scope;
  const { newsletter } = ctx.store;
  const total = (await newsletter.tallyDeliveries(run.id)).open;
  let done = 0;
  progress?.(0, total);
  // An open delivery is sent, unless its watermark shows it was (see deliver and the README).
  const claims = claimDeliveries(ctx, run.id, SENDS_IN_FLIGHT, CLAIM_LEASE_MS);
  try {
    await forEachConcurrently(claims.next, SENDS_IN_FLIGHT, scope.shouldStop, async (delivery) => {
      claims.done(delivery, (await deliver(scope, delivery)).recorded);
      done += 1;
      progress?.(done, total);
    });
  } finally {
    await claims.release();
  }
  await scope.trailing.settled();
  const tally = await newsletter.tallyDeliveries(run.id);
  if (tally.open > 0) {
    // Stopped, or other instances still hold claims: whoever sends the last one records the counts.
    ctx.log.info({ run: run.id, sent: done, left: tally.open }, 'newsletter run paused; it goes on with the claims still open');
    return run;
  }
  const counts: RunCounts = { ...run.counts, sent: tally.sent, deferred: tally.deferred, failed: tally.failed, skipped: run.counts.skipped + tally.cancelled };
  await newsletter.updateRun(run.id, { status: 'finished', finishedAt: ctx.clock().toISOString(), counts });
  ctx.log.info({ run: run.id, ...counts }, 'newsletter run finished');
  return { ...run, status: 'finished', counts };
}

/** The write of a delivery's final state, which the run may go on without waiting for. */
interface Delivered {
  recorded: Promise<void>;
}

/** A delivery whose final state the run waited for. */
const RECORDED: Delivered = { recorded: Promise.resolve() };

async function deliver(scope: RunScope, delivery: DeliveryRecord): Promise<Delivered> {
  const { ctx } = scope;
  const { newsletter, articles } = ctx.store;
  // A "sent" record that failed stops the run here, as a write the run waits for would.
  scope.trailing.check();
  const now = ctx.clock();
  const subscriber = newsletter.subscriberById(delivery.subscriberId);
  // The store writes the subscriber's change before the delivery's: a crash between the two
  // leaves a sent delivery open, with its cutoff already the subscriber's watermark.
  if (subscriber?.watermark === delivery.cutoff) {
    await newsletter.updateDelivery(delivery, { state: 'sent', updatedAt: now.toISOString() });
    return RECORDED;
  }
  // Articles the subscriber already has (a digest of another run got there first) are not sent again.
  const watermark = Date.parse(subscriber?.watermark ?? '') || 0;
  const chosen = delivery.articleIds
    .map((id) => articles.byId(id))
    .filter((article): article is ArticleRecord => !!article && isDue(article, now) && Date.parse(listedAt(article)) > watermark);
  // Unsubscribed, erased or bouncing since the run started, or nothing left to send.
  if (!subscriber || subscriber.status !== 'confirmed' || chosen.length === 0) {
    await newsletter.updateDelivery(delivery, { state: 'cancelled', updatedAt: now.toISOString() });
    return RECORDED;
  }
  let mail: ReturnType<typeof personalizeMessage>;
  const links = subscriberLinks(ctx, subscriber.id);
  try {
    const categories = articles.categoriesOf(followedCategories(subscriber, () => scope.allSlugs));
    const template = await ctx.emails.digest(groupDigest(chosen, categories), delivery.kind);
    mail = personalizeMessage(template, { greeting: scope.greeting(subscriber.name), ...links });
  } catch (err) {
    // Our fault, not the subscriber's: recorded on the delivery, the run goes on.
    ctx.log.error({ err, delivery: delivery.id }, 'digest not rendered');
    await newsletter.updateDelivery(delivery, { state: 'failed', error: `not rendered: ${(err as Error).message}`.slice(0, 300), updatedAt: now.toISOString() });
    return RECORDED;
  }
  // No record before the SMTP transaction: a delivery still open after a crash is sent again
  // (unless its watermark moved, above), whether or not it was in flight.
  try {
    await ctx.mailer.send({
      to: { address: subscriber.email, ...(subscriber.name ? { name: subscriber.name } : {}) },
      ...mail,
      messageId: delivery.messageId,
      headers: { 'List-Unsubscribe': `<${links.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  } catch (err) {
    await recordFailure(ctx, delivery, subscriber, err);
    return RECORDED;
  }
  // The watermark is on disk before the delivery says "sent". The run does not wait for that
  // record: it shares a later write, one fewer wait per digest, and a crash before it is on disk
  // leaves the delivery open with the watermark moved, which the resume records as sent without
  // sending again (above).
  if (newsletter.subscriberById(subscriber.id)) await newsletter.updateSubscriber(subscriber.id, afterDelivery(delivery));
  const recorded = newsletter.updateDelivery(delivery, { state: 'sent', updatedAt: ctx.clock().toISOString() });
  scope.trailing.add(recorded);
  return { recorded };
}

/** 4xx and connection errors: deferred, retried with backoff. 5xx: failed; bouncing after a few. */
async function recordFailure(ctx: NewsletterDeps, delivery: DeliveryRecord, subscriber: SubscriberRecord, err: unknown): Promise<void> {
  const now = ctx.clock();
  const permanent = isPermanentFailure(err);
  // The server's text often quotes the address: kept without it, so erasing the subscriber erases it.
  const error = withoutAddresses(String((err as Error)?.message ?? err)).slice(0, 300);
  const changes = afterFailure(subscriber, permanent, now);
  ctx.log.warn({ delivery: delivery.id, subscriber: subscriber.id, permanent, failures: changes.failures, error }, 'digest not delivered');
  await ctx.store.newsletter.updateDelivery(delivery, { state: permanent ? 'failed' : 'deferred', error, updatedAt: now.toISOString() }, changes);
}

/** The subscribers that `wanted` keeps, as the run walks them (no pass over all of them first). */
function* keep(subscribers: Iterable<SubscriberRecord>, wanted: (subscriber: SubscriberRecord) => boolean): Iterable<DueSubscriber> {
  for (const subscriber of subscribers) if (wanted(subscriber)) yield { subscriber };
}

/**
 * Confirmed subscribers in id order, a slice at a time as the walk reaches it, each as it is then:
 * no copy of a million subscribers (200 ms of a held event loop) when a run starts.
 */
function* confirmedSubscribers(newsletter: NewsletterDeps['store']['newsletter']): Iterable<SubscriberRecord> {
  for (const slice of subscriberSlices(newsletter, SUBSCRIBERS_PER_SLICE, 'confirmed')) yield* slice;
}
