/**
 * One login for everything the dashboard serves (bull-board, chart pages, actions): HTTP Basic with two
 * roles. `admin` may act (pause, retry, repair); `viewer` sees the same pages with every action hidden
 * and refused. Running without any login is allowed only on a loopback address with `--insecure-local`.
 */
import type { NextFunction, Request, Response } from 'express';
import { UserError } from '../src/errors.js';
import { matches, parseBasic, type Credentials } from './security/basic-auth.js';
import { assertStrongPassword } from './security/password-strength.js';
import { LoginThrottle } from './security/login-throttle.js';

export type { Credentials };
export type Role = 'admin' | 'viewer';

export interface AuthSettings {
  username?: string;
  password?: string;
  viewerUsername?: string;
  viewerPassword?: string;
}

export interface AuthSetup {
  admin?: Credentials;
  viewer?: Credentials;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function pair(s: AuthSettings, user: 'username' | 'viewerUsername', pass: 'password' | 'viewerPassword'): Credentials | undefined {
  const u = s[user];
  const p = s[pass];
  if (u && p) return { username: u, password: p };
  if (u || p) throw new UserError(`dashboard: set both dashboard.${user} and dashboard.${pass} (or neither)`);
  return undefined;
}

/** Validates the login settings at start: both halves of each pair, strong passwords, loopback rule. */
export function checkAuthSetup(host: string, s: AuthSettings, insecureLocal: boolean): AuthSetup | undefined {
  const admin = pair(s, 'username', 'password');
  const viewer = pair(s, 'viewerUsername', 'viewerPassword');
  if (viewer && !admin) throw new UserError('dashboard: a viewer login needs the admin login (dashboard.username / dashboard.password) too');
  if (admin) {
    assertStrongPassword('dashboard.password', admin.username, admin.password);
    if (viewer) {
      assertStrongPassword('dashboard.viewerPassword', viewer.username, viewer.password);
      if (viewer.username === admin.username) throw new UserError('dashboard: dashboard.viewerUsername must differ from dashboard.username');
    }
    return { admin, ...(viewer ? { viewer } : {}) };
  }
  if (insecureLocal && LOOPBACK.has(host)) return undefined;
  if (insecureLocal) throw new UserError(`dashboard: --insecure-local only works when bound to 127.0.0.1 (dashboard.host is ${host})`);
  throw new UserError(
    'dashboard: no credentials configured. Set dashboard.username and dashboard.password (e.g. KRTRADE_DASHBOARD__USERNAME / KRTRADE_DASHBOARD__PASSWORD), ' +
      'or run on 127.0.0.1 with --insecure-local',
  );
}

/** The role of the request, set by `login` (read-only dashboards make everyone a viewer). */
export const roleOf = (res: Response): Role => (res.locals.role as Role | undefined) ?? 'viewer';

/** Authenticates every request; failed attempts are throttled per client address. */
export function login(setup: AuthSetup | undefined, readOnly: boolean, throttle = new LoginThrottle(), realm = 'krtrade') {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!setup) {
      res.locals.role = readOnly ? 'viewer' : 'admin';
      return next();
    }
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = await throttle.waitSeconds(client);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      res.status(429).type('text/plain').send(`too many failed logins; try again in ${wait} s`);
      return;
    }
    const given = parseBasic(req.headers.authorization);
    const role: Role | undefined = !given
      ? undefined
      : setup.admin && matches(given, setup.admin)
        ? 'admin'
        : setup.viewer && matches(given, setup.viewer)
          ? 'viewer'
          : undefined;
    if (role) {
      await throttle.succeeded(client);
      res.locals.role = readOnly ? 'viewer' : role;
      return next();
    }
    // A request without credentials is a browser asking for the login prompt, not a guess.
    if (given) await throttle.failed(client);
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.status(401).type('text/plain').send('authentication required');
  };
}

/** Refuses actions to viewers (the pages also hide them). */
export function adminOnly() {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (roleOf(res) === 'admin') return next();
    res.status(403).type('text/plain').send('refused: this login is read-only');
  };
}
