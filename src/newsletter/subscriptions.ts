// What people do with their subscription: subscribe (double opt-in), confirm, change their
// categories, leave. Each link carries a signed token; nothing changes for a bad one.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { PENDING_LIFETIME_MS, type SubscriberRecord, type SubscriberStatus } from '../domain/newsletter.js';
import { HttpError, parseInput } from '../http/errors.js';
import { categoriesOf, checkCategories } from './categories.js';
import { sendConfirmation } from './send-confirmation.js';
import { createToken, verifyToken } from './tokens.js';

export interface SubscriberView {
  email: string;
  /** The categories followed now (every one when `allCategories`). */
  categories: string[];
  /** True when the subscriber chose no category: they get every one, new ones included. */
  allCategories: boolean;
  status: Exclude<SubscriberStatus, 'erased'>;
}

/** One mailbox, strictly: no display name, no list, no line breaks. */
export const emailAddress = z
  .string({ error: 'is required' })
  .trim()
  .max(254, 'is too long')
  .pipe(z.email({ error: 'is not a valid email address, e.g. name@example.org' }))
  .transform((email) => email.toLowerCase());

export const subscriptionInput = z.strictObject({
  email: emailAddress,
  categories: z.array(z.string()).min(1, 'choose at least one category').max(50).optional(),
});

/**
 * Starts a subscription and sends the confirmation email. Answers the same whether the address
 * is known or not: a confirmed subscriber is left as is and gets nothing.
 */
export async function subscribe(ctx: AppContext, input: unknown): Promise<void> {
  const { email, categories: requested } = parseInput(subscriptionInput, input);
  const categories = checkCategories(ctx, requested);
  const { newsletter } = ctx.store;
  const now = ctx.clock();
  await forgetExpiredPending(ctx, now);
  const existing = newsletter.subscriberByEmail(email);
  if (existing?.status === 'confirmed') return;
  // New, pending again, unsubscribed or bouncing: confirming proves the address works again.
  const pending = { status: 'pending' as const, categories, createdAt: now.toISOString(), failures: 0, bounces: 0 };
  let subscriber: SubscriberRecord;
  if (existing) {
    subscriber = await newsletter.updateSubscriber(existing.id, { ...pending, confirmedAt: undefined, unsubscribedAt: undefined, retryAfter: undefined });
  } else {
    subscriber = { id: randomUUID(), email, source: 'form', ...pending };
    await newsletter.saveSubscribers([subscriber]);
  }
  // Sent in the background: the answer must not wait for SMTP (nor tell, by its delay, who is
  // subscribed); a failure is for the operator.
  ctx.background.run(`confirmation email to subscriber ${subscriber.id}`, () => sendConfirmation(ctx, subscriber, now));
}

export async function confirmSubscription(ctx: AppContext, token: unknown): Promise<SubscriberView> {
  const now = ctx.clock();
  const subscriber = subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'confirm', now));
  if (subscriber.status !== 'pending') return view(ctx, subscriber);
  // Articles published before this moment are not sent: the watermark starts now.
  const iso = now.toISOString();
  return view(ctx, await ctx.store.newsletter.updateSubscriber(subscriber.id, { status: 'confirmed', confirmedAt: iso, watermark: iso }));
}

export function readPreferences(ctx: AppContext, token: unknown): SubscriberView {
  return view(ctx, subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'manage', ctx.clock())));
}

/** Saves new categories; from an unsubscribed state it subscribes again (the link proves the address). */
export async function updatePreferences(ctx: AppContext, token: unknown, categories: unknown): Promise<SubscriberView> {
  const now = ctx.clock();
  const subscriber = subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'manage', now));
  const slugs = checkCategories(ctx, parseInput(z.array(z.string()).min(1, 'choose at least one category').max(50), categories, 'categories'));
  const resubscribe = subscriber.status === 'unsubscribed' ? { status: 'confirmed' as const, unsubscribedAt: undefined, watermark: now.toISOString() } : {};
  return view(ctx, await ctx.store.newsletter.updateSubscriber(subscriber.id, { categories: slugs, ...resubscribe }));
}

export async function unsubscribe(ctx: AppContext, token: unknown): Promise<void> {
  const now = ctx.clock();
  const subscriber = subscriberFor(ctx, verifyToken(ctx.config.secret, token, 'manage', now));
  if (subscriber.status === 'unsubscribed') return;
  await ctx.store.newsletter.updateSubscriber(subscriber.id, { status: 'unsubscribed', unsubscribedAt: now.toISOString() });
}

/** The links every email to a subscriber carries. */
export function subscriberLinks(ctx: AppContext, subscriberId: string): { manageUrl: string; unsubscribeUrl: string } {
  const token = encodeURIComponent(createToken(ctx.config.secret, subscriberId, 'manage'));
  return {
    manageUrl: `${ctx.config.baseUrl}/subscriptions/manage?token=${token}`,
    unsubscribeUrl: `${ctx.config.baseUrl}/subscriptions/unsubscribe?token=${token}`,
  };
}

/** Pending subscriptions older than 7 days are dropped: the address was never confirmed. */
export async function forgetExpiredPending(ctx: AppContext, now: Date): Promise<void> {
  const limit = now.getTime() - PENDING_LIFETIME_MS;
  const expired = ctx.store.newsletter.subscribers().filter((s) => s.status === 'pending' && Date.parse(s.createdAt) < limit);
  if (expired.length) await ctx.store.newsletter.removeSubscribers(expired.map((s) => s.id));
}

function subscriberFor(ctx: AppContext, id: string): SubscriberRecord {
  const subscriber = ctx.store.newsletter.subscriberById(id);
  if (!subscriber || subscriber.status === 'erased') {
    throw new HttpError(404, 'Subscription not found', 'This subscription no longer exists. You can subscribe again.', [{ field: 'token', message: 'names no subscription' }]);
  }
  return subscriber;
}

function view(ctx: AppContext, subscriber: SubscriberRecord): SubscriberView {
  return {
    email: subscriber.email,
    categories: categoriesOf(ctx, subscriber),
    allCategories: subscriber.categories.length === 0,
    status: subscriber.status as SubscriberView['status'],
  };
}
