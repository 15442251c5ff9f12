// What people do with their subscription: subscribe (double opt-in), confirm, change their
// categories, leave. Each link carries a signed token; nothing changes for a bad one.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { NewsletterDeps } from './deps.js';
import { CONFIRMATION_RESEND_INTERVAL_MS, PENDING_LIFETIME_MS, type SubscriberRecord, type SubscriberStatus } from '../domain/newsletter.js';
import { HttpError, parseInput } from '../http/errors.js';
import type { Rhythm } from '../domain/cadence.js';
import { AddressTakenError } from '../store/collections.js';
import { categoriesOf, checkCategories } from './categories.js';
import { nextDigestAt } from './due-digests.js';
import { rhythmFields, rhythmOf, sameRhythm } from './rhythm-input.js';
import { sendConfirmation } from './send-confirmation.js';
import { createToken, verifyToken } from './tokens.js';

export interface SubscriberView {
  email: string;
  /** The categories followed now (every one when `allCategories`). */
  categories: string[];
  /** True when the subscriber chose no category: they get every one, new ones included. */
  allCategories: boolean;
  status: Exclude<SubscriberStatus, 'erased'>;
  /** The preference centre, for pages that have just proved the address (confirmation). */
  manageUrl: string;
  /** Absent: the site's schedule (NEWSLETTER_CRON in TIMEZONE). */
  rhythm?: Rhythm;
}

/** One mailbox, strictly: no display name, no list, no line breaks. */
export const emailAddress = z
  .string({ error: 'is required' })
  .trim()
  .max(254, 'is too long')
  .pipe(z.email({ error: 'is not a valid email address, e.g. name@example.org' }))
  .transform((email) => email.toLowerCase());

/** Category slugs as a form or a client sends them; unknown ones are refused by checkCategories. */
export const categoryList = z.array(z.string()).max(50, 'at most 50 categories');

const subscriptionInput = z.strictObject({
  email: emailAddress,
  categories: categoryList.min(1, 'choose at least one category, or leave the field out for every one').optional(),
  ...rhythmFields,
});

const preferredRhythm = z.strictObject(rhythmFields);

/**
 * Checks the request, then starts the subscription in the background: the answer comes before
 * any lookup, so neither what it says nor when it comes tells whether the address is known.
 */
export async function subscribe(ctx: NewsletterDeps, input: unknown): Promise<void> {
  const { email, categories: requested, ...fields } = parseInput(subscriptionInput, input);
  const categories = checkCategories(ctx, requested);
  const rhythm = rhythmOf(ctx.config, fields);
  ctx.background.run('subscription', () => startSubscription(ctx, email, categories, rhythm));
}

/**
 * Records a pending subscription and sends the confirmation email. A confirmed subscriber is left
 * as is and gets nothing; an address asked for again within minutes gets no second email.
 */
async function startSubscription(ctx: NewsletterDeps, email: string, categories: string[], rhythm: Rhythm | undefined): Promise<void> {
  const { newsletter } = ctx.store;
  const now = ctx.clock();
  await forgetExpiredPending(ctx, now);
  const existing = newsletter.subscriberByEmail(email);
  if (existing?.status === 'confirmed') return;
  if (existing?.status === 'pending' && now.getTime() - Date.parse(existing.createdAt) < CONFIRMATION_RESEND_INTERVAL_MS) return;
  // New, pending again, unsubscribed or bouncing: confirming proves the address works again.
  const pending = { status: 'pending' as const, categories, createdAt: now.toISOString(), failures: 0, bounces: 0 };
  let subscriber: SubscriberRecord;
  if (existing) {
    subscriber = await newsletter.updateSubscriber(existing.id, { ...pending, rhythm, nextDigestAt: undefined, confirmedAt: undefined, unsubscribedAt: undefined, retryAfter: undefined });
  } else {
    subscriber = { id: randomUUID(), email, source: 'form', ...pending, ...(rhythm ? { rhythm } : {}) };
    try {
      await newsletter.saveSubscribers([subscriber]);
    } catch (err) {
      // The same address asked twice at once: the first request records it and sends the email.
      if (err instanceof AddressTakenError) return;
      throw err;
    }
  }
  await sendConfirmation(ctx, subscriber, now);
}

/** The subscription a confirmation link names, left as it is: opening a link must change nothing. */
export function readConfirmation(ctx: NewsletterDeps, token: unknown): SubscriberView {
  return view(ctx, subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'confirm', ctx.clock())));
}

export async function confirmSubscription(ctx: NewsletterDeps, token: unknown): Promise<SubscriberView> {
  const now = ctx.clock();
  const subscriber = subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'confirm', now));
  if (subscriber.status !== 'pending') return view(ctx, subscriber);
  // Articles published before this moment are not sent: the watermark starts now.
  const iso = now.toISOString();
  const changes = { status: 'confirmed' as const, confirmedAt: iso, watermark: iso, nextDigestAt: nextDigestAt(subscriber.rhythm, now) };
  return view(ctx, await ctx.store.newsletter.updateSubscriber(subscriber.id, changes));
}

export function readPreferences(ctx: NewsletterDeps, token: unknown): SubscriberView {
  return view(ctx, subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'manage', ctx.clock())));
}

/**
 * Saves new categories (none: every category, new ones included) and rhythm (none given: as it
 * was); from an unsubscribed state it subscribes again (the link proves the address). A new
 * rhythm serves from its next due time; the watermark makes sure nothing is skipped or sent twice.
 */
export async function updatePreferences(ctx: NewsletterDeps, token: unknown, categories: unknown, rhythmInput: unknown = {}): Promise<SubscriberView> {
  const now = ctx.clock();
  const subscriber = subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'manage', now));
  const chosen = parseInput(categoryList, categories, 'categories');
  const slugs = checkCategories(ctx, chosen.length ? chosen : undefined);
  const rhythm = rhythmOf(ctx.config, parseInput(preferredRhythm, rhythmInput)) ?? subscriber.rhythm;
  const resubscribe = subscriber.status === 'unsubscribed' ? { status: 'confirmed' as const, unsubscribedAt: undefined, watermark: now.toISOString() } : {};
  // An immediate subscriber gets what is waiting at the next tick; daily and weekly at their next slot.
  const schedule = rhythm && (!sameRhythm(rhythm, subscriber.rhythm) || subscriber.status === 'unsubscribed')
    ? { rhythm, nextDigestAt: rhythm.frequency === 'immediate' ? now.toISOString() : nextDigestAt(rhythm, now) }
    : {};
  return view(ctx, await ctx.store.newsletter.updateSubscriber(subscriber.id, { categories: slugs, ...resubscribe, ...schedule }));
}

export async function unsubscribe(ctx: NewsletterDeps, token: unknown): Promise<void> {
  const now = ctx.clock();
  const subscriber = subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'manage', now));
  if (subscriber.status === 'unsubscribed') return;
  await ctx.store.newsletter.updateSubscriber(subscriber.id, { status: 'unsubscribed', unsubscribedAt: now.toISOString() });
}

/** The links every email to a subscriber carries. */
export function subscriberLinks(ctx: NewsletterDeps, subscriberId: string): { manageUrl: string; unsubscribeUrl: string } {
  const token = encodeURIComponent(createToken(ctx.config.secret, subscriberId, 'manage'));
  return {
    manageUrl: `${ctx.config.baseUrl}/subscriptions/manage?token=${token}`,
    unsubscribeUrl: `${ctx.config.baseUrl}/subscriptions/unsubscribe?token=${token}`,
  };
}

/** Pending subscriptions older than 7 days are dropped: the address was never confirmed. */
export async function forgetExpiredPending(ctx: NewsletterDeps, now: Date): Promise<void> {
  const expired = ctx.store.newsletter.pendingCreatedBefore(new Date(now.getTime() - PENDING_LIFETIME_MS));
  if (expired.length) await ctx.store.newsletter.removeSubscribers(expired.map((subscriber) => subscriber.id));
}

function subscriberFor(ctx: NewsletterDeps, id: string): SubscriberRecord {
  const subscriber = ctx.store.newsletter.subscriberById(id);
  if (!subscriber || subscriber.status === 'erased') {
    throw new HttpError(404, 'Subscription not found', 'This subscription no longer exists. You can subscribe again.', [{ field: 'token', message: 'names no subscription' }]);
  }
  return subscriber;
}

function view(ctx: NewsletterDeps, subscriber: SubscriberRecord): SubscriberView {
  return {
    email: subscriber.email,
    categories: categoriesOf(ctx, subscriber),
    allCategories: subscriber.categories.length === 0,
    status: subscriber.status as SubscriberView['status'],
    manageUrl: subscriberLinks(ctx, subscriber.id).manageUrl,
    ...(subscriber.rhythm ? { rhythm: subscriber.rhythm } : {}),
  };
}
