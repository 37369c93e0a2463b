/**
 * "A service we depend on is down" as opposed to "this job is wrong". A job that fails because PostgreSQL,
 * Redis or KIS cannot be reached must wait for the service (its attempts are not spent), because its minute
 * can still be fetched once the service returns; only its own faults count against its attempts.
 */
import { KisTransportError } from '../src/kis/errors.js';

export type Dependency = 'postgres' | 'redis' | 'kis';

/** Node socket errors meaning "nobody answers there (now)". */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** PostgreSQL SQLSTATEs of a server going away or not taking connections (classes 08, 57P, 53300). */
const PG_DOWN_STATE = /^(08...|57P0[1-3]|53300)$/;
const PG_DOWN_TEXT = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/i;
const REDIS_DOWN_TEXT = /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|Reached the max retries per request|READONLY|LOADING/i;

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: string;
  port?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** Ports of the services, to tell a refused PostgreSQL socket from a refused Redis one. */
export interface DependencyPorts {
  postgres?: number;
  redis?: number;
}

/** Which dependency `e` says is down, or undefined when the error is about the job itself. */
export function downDependency(e: unknown, ports: DependencyPorts = {}, depth = 0): Dependency | undefined {
  if (e instanceof KisTransportError) return 'kis';
  if (typeof e !== 'object' || e === null || depth > 3) return undefined;
  const err = e as ErrorLike;
  const code = typeof err.code === 'string' ? err.code : '';
  const message = err.message ?? '';
  if (PG_DOWN_STATE.test(code) || PG_DOWN_TEXT.test(message)) return 'postgres';
  if (err.name === 'MaxRetriesPerRequestError' || REDIS_DOWN_TEXT.test(message)) return 'redis';
  if (SOCKET_CODES.has(code)) {
    if (typeof err.port === 'number' && err.port === ports.redis) return 'redis';
    // Our handlers reach KIS only through typed KIS errors, so a bare socket error is a database's.
    return 'postgres';
  }
  // Node wraps a failed multi-address connect in an AggregateError; pg and ioredis wrap causes.
  if (Array.isArray(err.errors)) for (const inner of err.errors as unknown[]) {
    const d = downDependency(inner, ports, depth + 1);
    if (d) return d;
  }
  return err.cause !== undefined ? downDependency(err.cause, ports, depth + 1) : undefined;
}
