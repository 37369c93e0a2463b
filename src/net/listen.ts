/**
 * Listening sockets and the one-line errors a person gets when a port is taken: which port, on which
 * address, for what, and the config key or flag that changes it.
 */
import { createServer } from 'node:net';
import { UserError } from '../errors.js';

/** What listens and how a person moves it (`{ what: 'dashboard', fix: 'dashboard.port (…) or --port' }`). */
export interface ListenerName {
  what: string;
  fix: string;
}

/** A `listen` failure as a `UserError` when the cause is the address (taken, not allowed, not here). */
export function explainListenError(e: unknown, host: string, port: number, name: ListenerName): Error {
  const err = e as NodeJS.ErrnoException & { port?: number; address?: string };
  const where = `port ${err.port ?? port} on ${err.address ?? host}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new UserError(`${name.what}: ${where} is already in use; set ${name.fix}`, { cause: e });
    case 'EACCES':
      return new UserError(`${name.what}: ${where} needs privileges this process lacks (ports below 1024); set ${name.fix}`, { cause: e });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new UserError(`${name.what}: cannot listen on ${err.address ?? host}: no such local address`, { cause: e });
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

/**
 * Fails with the one-line error when `port` cannot be listened on, before anything is destroyed or
 * started (the demo checks its dashboard port before recreating its database). Port 0 is always free.
 */
export async function assertPortFree(host: string, port: number, name: ListenerName): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e) => reject(explainListenError(e, host, port, name)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export const DASHBOARD_LISTENER: ListenerName = {
  what: 'dashboard',
  fix: 'dashboard.port (KRTRADE_DASHBOARD__PORT) or pass --port',
};
