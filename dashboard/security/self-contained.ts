/**
 * Every page is served by the dashboard itself: nothing is fetched from another site (a trading desk's
 * browser may have no internet, and third parties should not learn who looks at what). A Content
 * Security Policy makes the browser enforce it, and bull-board's one outside reference (a web-font
 * stylesheet) is dropped from its page so it falls back to the system fonts instead of failing.
 */
import type { NextFunction, Request, Response } from 'express';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  // bull-board and the SVG charts style elements inline; scripts stay files served from here.
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'self'",
].join('; ');

const OUTSIDE_STYLESHEET = /<link\s[^>]*href="https?:\/\/(?!localhost|127\.0\.0\.1)[^"]*"[^>]*rel="stylesheet"[^>]*>\s*/g;

export function selfContained() {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    const send = res.send.bind(res);
    res.send = (body?: unknown) => send(typeof body === 'string' && body.includes('<link') ? body.replace(OUTSIDE_STYLESHEET, '') : body);
    next();
  };
}
