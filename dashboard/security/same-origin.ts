/**
 * CSRF protection for actions (any method but GET/HEAD/OPTIONS). A browser sends the dashboard's
 * Basic credentials with any request to it, including one a hostile page makes it send; such a request
 * carries that page's origin. So an action is refused unless the browser says it comes from our own
 * pages (Fetch Metadata `Sec-Fetch-Site`, else `Origin`, as OWASP's CSRF guide recommends). Clients
 * that are not browsers (curl, scripts) send neither header and are not CSRF vectors.
 */
import type { NextFunction, Request, Response } from 'express';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameOriginActions() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE.has(req.method)) return next();
    const site = req.headers['sec-fetch-site'];
    if (typeof site === 'string') {
      if (site === 'same-origin' || site === 'none') return next();
      res.status(403).type('text/plain').send(`refused: a ${site} request cannot act on the dashboard`);
      return;
    }
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    const host = req.headers.host;
    if (host && (origin === `http://${host}` || origin === `https://${host}`)) return next();
    res.status(403).type('text/plain').send('refused: the request comes from another site');
  };
}
