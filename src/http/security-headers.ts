// The headers that keep browsers from sniffing, framing or running anything: one place for
// every HTML answer (pages, error pages, the newsletter preview) and for the nosniff that every
// response carries (the feed fast path writes the same in its own header lists).
import type { RequestHandler, Response } from 'express';

// Pages load only our stylesheet, images and our own script files (never inline script: the
// subscribe form's time-zone.js); only /embed/{slug} may be framed.
const NO_SCRIPT_POLICY = "default-src 'none'; style-src 'self'; img-src * data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const PAGE_POLICY = `${NO_SCRIPT_POLICY}; script-src 'self'`;
// A digest's design is inline styles, as email clients need them: the preview allows those, and
// runs no script at all.
const EMAIL_PREVIEW_POLICY = NO_SCRIPT_POLICY.replace("style-src 'self'", "style-src 'unsafe-inline'");

const htmlHeaders = (policy: string) => ({
  'Content-Security-Policy': policy,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
});

const PAGE_HEADERS = htmlHeaders(PAGE_POLICY);
const EMAIL_PREVIEW_HEADERS = htmlHeaders(EMAIL_PREVIEW_POLICY);
// The console frames one page of its own (the digest preview, in a sandboxed iframe), and its
// run page asks for the run's progress.
const CONSOLE_HEADERS = htmlHeaders(`${PAGE_POLICY}; frame-src 'self'; connect-src 'self'`);
const FRAMED_EMAIL_PREVIEW_HEADERS = { ...htmlHeaders(EMAIL_PREVIEW_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")), 'X-Frame-Options': 'SAMEORIGIN' };

/** Every response: no content-type sniffing. */
export const noSniffing: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** For an HTML page, ours or an error page. */
export function setPageSecurityHeaders(res: Response): void {
  res.set(PAGE_HEADERS);
}

export const pageSecurityHeaders: RequestHandler = (_req, res, next) => {
  setPageSecurityHeaders(res);
  next();
};

export const emailPreviewSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set(EMAIL_PREVIEW_HEADERS);
  next();
};

export const consoleSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set(CONSOLE_HEADERS);
  next();
};

/** The digest preview that the console shows in its own frame. */
export const framedEmailPreviewSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set(FRAMED_EMAIL_PREVIEW_HEADERS);
  next();
};
