/** HTTP basic auth for the dashboard, and the rule for when running without it is allowed. */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { UserError } from '../src/errors.js';

export interface Credentials {
  username: string;
  password: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** No credentials is only acceptable on a loopback address with an explicit `--insecure-local`. */
export function checkAuthSetup(host: string, creds: Partial<Credentials>, insecureLocal: boolean): Credentials | undefined {
  if (creds.username && creds.password) return { username: creds.username, password: creds.password };
  if (creds.username || creds.password) throw new UserError('dashboard: set both dashboard.username and dashboard.password (or neither with --insecure-local on 127.0.0.1)');
  if (insecureLocal && LOOPBACK.has(host)) return undefined;
  if (insecureLocal) throw new UserError(`dashboard: --insecure-local only works when bound to 127.0.0.1 (dashboard.host is ${host})`);
  throw new UserError(
    'dashboard: no credentials configured. Set dashboard.username and dashboard.password (e.g. KRTRADE_DASHBOARD__USERNAME / KRTRADE_DASHBOARD__PASSWORD), ' +
      'or run on 127.0.0.1 with --insecure-local',
  );
}

// Hash both sides first so the comparison takes the same time whatever the lengths.
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export function basicAuth(creds: Credentials, realm = 'krtrade') {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    if (m) {
      const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0 && same(decoded.slice(0, i), creds.username) && same(decoded.slice(i + 1), creds.password)) return next();
    }
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.status(401).send('authentication required');
  };
}
