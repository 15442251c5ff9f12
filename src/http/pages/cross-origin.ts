// Protection of the forms against cross-site posting, without cookies or hidden tokens: browsers
// say where a request comes from (Sec-Fetch-Site, else Origin), so a form posted from another
// site is refused. The same rule as Go's net/http CrossOriginProtection. Requests without
// either header do not come from a browser, and a forged request needs a victim's browser.
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when a request may have been sent by a page of another origin. */
function isCrossOrigin(req: Request, siteOrigin: string): boolean {
  const fetchSite = req.get('sec-fetch-site');
  // 'none' is a navigation the person started (address bar, bookmark).
  if (fetchSite) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = req.get('origin');
  if (origin === undefined) return false;
  if (origin === siteOrigin) return false;
  // Reached by another name than BASE_URL (a proxy, 127.0.0.1 for localhost): same host is fine.
  const host = req.get('host');
  return !host || origin.replace(/^https?:\/\//, '') !== host;
}

/** Refuses unsafe requests that come from another origin with a 403. */
export function rejectCrossOrigin(baseUrl: string): RequestHandler {
  const siteOrigin = new URL(baseUrl).origin;
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || !isCrossOrigin(req, siteOrigin)) return next();
    throw new HttpError(403, 'Cross-origin request refused', 'This form can only be sent from a page of this site.');
  };
}
