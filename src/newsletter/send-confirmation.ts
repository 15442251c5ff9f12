// The double opt-in email: one link, valid for 7 days, and nothing else until it is followed.
import type { NewsletterDeps } from './deps.js';
import { PENDING_LIFETIME_MS, type SubscriberRecord } from '../domain/newsletter.js';
import { personalizeMessage } from './render-email.js';
import { messageIdFor } from './message-id.js';
import { categoriesOf } from './categories.js';
import { createToken } from './tokens.js';

export async function sendConfirmation(ctx: NewsletterDeps, subscriber: SubscriberRecord, now: Date): Promise<void> {
  const { articles } = ctx.store;
  const categories = articles.categoriesOf(categoriesOf(ctx, subscriber));
  const token = createToken(ctx.config.secret, subscriber.id, 'confirm', new Date(now.getTime() + PENDING_LIFETIME_MS));
  const template = await ctx.emails.confirmation(categories);
  const mail = personalizeMessage(template, { confirmUrl: `${ctx.config.baseUrl}/subscriptions/confirm?token=${encodeURIComponent(token)}` });
  await ctx.mailer.send({ to: { address: subscriber.email }, ...mail, messageId: messageIdFor(ctx.config.mailFrom, `confirm.${subscriber.id}.${now.getTime()}`) });
}
