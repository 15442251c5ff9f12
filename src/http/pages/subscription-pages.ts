// Subscribing and managing a subscription as plain pages and forms, without JavaScript:
// /subscribe, and the confirm, preference-centre and unsubscribe links of the emails.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../../context.js';
import {
  confirmSubscription,
  readConfirmation,
  readPreferences,
  subscribe,
  unsubscribe,
  updatePreferences,
  type SubscriberView,
} from '../../newsletter/subscriptions.js';
import { HttpError } from '../errors.js';
import { rejectCrossOrigin } from './cross-origin.js';
import { PAGE_ROUTES } from './page-paths.js';
import type { PageRenderer } from './render-page.js';
import { postedRhythm } from './rhythm-form.js';
import { formErrors, postedCategories, subscribeFormView, withRhythm } from './subscribe-form.js';

const formBody = express.urlencoded({ extended: false, limit: '16kb' });

/** Pages reached by a personal link: not cached, not indexed, the token never sent as Referer. */
function personal(res: Response): Response {
  return res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' }).type('html');
}

/** The 422 of the subscription functions, or rethrows anything else. */
function invalidFields(err: unknown) {
  if (err instanceof HttpError && err.status === 422) return err.errors;
  throw err;
}

const isActive = (subscriber: SubscriberView) => subscriber.status === 'confirmed' || subscriber.status === 'bouncing';

/** `subscribeLimiter` is the API's: the form and POST /api/subscriptions share one budget per address. */
export function subscriptionPageRoutes(ctx: AppContext, pages: PageRenderer, subscribeLimiter: RequestHandler): Router {
  const router = Router();
  const { text, paths } = pages;
  const sameOrigin = rejectCrossOrigin(ctx.config.baseUrl);
  const categoryNames = (slugs: readonly string[]) => slugs.map((slug) => ctx.store.articles.category(slug)?.name ?? slug).join(', ');
  const message = (heading: string, paragraphs: string[], action?: { href: string; label: string }) =>
    pages.render('message.njk', { title: heading, noindex: true }, { heading, paragraphs, action });

  function renderSubscribe(res: Response, form = withRhythm(ctx, subscribeFormView(ctx)), status = 200): void {
    res.status(status).type('html').send(pages.render('subscribe.njk', { title: text.subscribeHeading, description: text.subscribeIntro }, { form }));
  }

  router.get(PAGE_ROUTES.subscribe, (req, res) => {
    const preselected = typeof req.query.category === 'string' && ctx.store.articles.visibleCategory(req.query.category, ctx.clock()) ? [req.query.category] : [];
    renderSubscribe(res, withRhythm(ctx, subscribeFormView(ctx, { categories: preselected })));
  });

  router.post(PAGE_ROUTES.subscribe, sameOrigin, subscribeLimiter, formBody, async (req, res) => {
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    const categories = postedCategories(req.body?.categories);
    const rhythm = postedRhythm(req.body);
    try {
      // No box ticked means every category.
      await subscribe(ctx, { email, ...(categories.length ? { categories } : {}), ...rhythm });
    } catch (err) {
      return renderSubscribe(res, withRhythm(ctx, subscribeFormView(ctx, { email, categories, errors: formErrors(text, invalidFields(err)) }), rhythm), 422);
    }
    res.redirect(303, paths.subscribeSent);
  });

  router.get(PAGE_ROUTES.subscribeSent, (_req, res) => {
    res.type('html').send(message(text.sentHeading, [text.sentBody, text.sentNotArrived], { href: paths.subscribe(), label: text.subscribeButton }));
  });

  /** Where a confirmation ends: confirmed, or left since (the link is older than the leaving). */
  function confirmedPage(subscriber: SubscriberView): string {
    if (!isActive(subscriber)) return unsubscribedPage();
    // The confirmation link proves the mailbox, so it may lead straight to the preference centre.
    const body = subscriber.allCategories ? text.confirmedAll : text.confirmedBody(categoryNames(subscriber.categories));
    return message(text.confirmedHeading, [body, text.confirmedManage], { href: subscriber.manageUrl, label: text.manageHeading });
  }

  // Mail scanners and link prefetchers open links (GET, HEAD): the link only shows a button, and
  // the button's POST confirms.
  router.get(PAGE_ROUTES.confirm, (req, res) => {
    const token = req.query.token;
    const subscriber = readConfirmation(ctx, token);
    if (subscriber.status !== 'pending') return void personal(res).send(confirmedPage(subscriber));
    const categories = subscriber.allCategories ? text.allCategories : categoryNames(subscriber.categories);
    const view = { email: subscriber.email, categories, token, action: paths.confirmAction };
    personal(res).send(pages.render('confirm.njk', { title: text.confirmHeading, noindex: true }, view));
  });

  router.post(PAGE_ROUTES.confirm, sameOrigin, formBody, async (req, res) => {
    personal(res).send(confirmedPage(await confirmSubscription(ctx, req.body?.token)));
  });

  function renderManage(req: Request, res: Response, token: unknown, errors = {}, status = 200): void {
    const subscriber = readPreferences(ctx, token);
    // Every category, new ones included, shows as no box ticked, as on the subscribe form.
    const checked = status !== 200 ? postedCategories(req.body?.categories) : subscriber.allCategories ? [] : subscriber.categories;
    const chosen = status !== 200 ? postedRhythm(req.body) : subscriber.rhythm;
    const form = withRhythm(ctx, subscribeFormView(ctx, { categories: checked, errors }), chosen, !subscriber.rhythm);
    const view = {
      form,
      email: subscriber.email,
      token,
      active: isActive(subscriber),
      saved: req.query.saved === '1' && status === 200,
      action: paths.manageAction,
      unsubscribeAction: paths.unsubscribe(String(token)),
    };
    personal(res).status(status).send(pages.render('manage.njk', { title: text.manageHeading, noindex: true }, view));
  }

  router.get(PAGE_ROUTES.manage, (req, res) => renderManage(req, res, req.query.token));

  router.post(PAGE_ROUTES.manage, sameOrigin, formBody, async (req, res) => {
    const token: unknown = req.body?.token;
    try {
      await updatePreferences(ctx, token, postedCategories(req.body?.categories), postedRhythm(req.body));
    } catch (err) {
      return renderManage(req, res, token, formErrors(text, invalidFields(err)), 422);
    }
    res.redirect(303, paths.manage(String(token), true));
  });

  function unsubscribedPage(): string {
    return message(text.unsubscribedHeading, [text.unsubscribedBody(ctx.config.siteTitle)], { href: paths.subscribe(), label: text.resubscribe });
  }

  router.get(PAGE_ROUTES.unsubscribe, (req, res) => {
    const token = req.query.token;
    const subscriber = readPreferences(ctx, token);
    if (subscriber.status === 'unsubscribed') return void personal(res).send(unsubscribedPage());
    const view = { email: subscriber.email, action: paths.unsubscribe(String(token)), manageHref: paths.manage(String(token)) };
    personal(res).send(pages.render('unsubscribe.njk', { title: text.unsubscribeHeading, noindex: true }, view));
  });

  // RFC 8058 one-click: mail providers post here from their servers, with no cookie and from no
  // page of ours, so there is no origin check; the signed token is the protection. 200, no redirect.
  router.post(PAGE_ROUTES.unsubscribe, formBody, async (req, res) => {
    await unsubscribe(ctx, req.query.token ?? req.body?.token);
    personal(res).send(unsubscribedPage());
  });

  return router;
}
