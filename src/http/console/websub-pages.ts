// The hub's WebSub subscriptions in the console (admins only), a page at a time: the same list
// as GET /api/websub/subscriptions.
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import type { ConsoleRenderer } from './render-console.js';
import { requireRole } from './session.js';

const PAGE_SIZE = 50;

export function websubPageRoutes(ctx: AppContext, view: ConsoleRenderer): Router {
  const router = Router();
  const { text, admin } = view;

  router.get('/admin/websub', requireRole('admin'), (req, res) => {
    const cursor = typeof req.query.cursor === 'string' && /^[\w-]{32}$/.test(req.query.cursor) ? req.query.cursor : undefined;
    const page = ctx.websub.subscriptions(cursor, PAGE_SIZE);
    const items = page.items.map((item) => ({ ...item, stateName: text.websubStates[item.state] ?? item.state }));
    view.send(res, 'websub.njk', {
      title: text.websubHeading,
      section: 'websub',
      items,
      first: cursor ? admin('/websub') : undefined,
      next: page.next ? admin(`/websub?cursor=${page.next}`) : undefined,
    });
  });

  return router;
}
