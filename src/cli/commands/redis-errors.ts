/**
 * One-line errors when Redis is down: the `kis` commands keep tokens, approval keys and rate-limit state
 * in Redis, so they check it answers before starting any work, and explain a connection lost mid-command.
 */
import { createRedisClient } from '../../redis/client.js';
import { UserError } from '../../errors.js';
import { maskUrl } from '../../log.js';

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there: is Redis running?',
  ENOTFOUND: 'the host does not resolve',
  ETIMEDOUT: 'the host does not answer',
  EHOSTUNREACH: 'the host is unreachable',
  ECONNRESET: 'the connection was dropped',
};
const FIX = 'start Redis or point redis.url (KRTRADE_REDIS_URL) at a running one';

/** What failed, in a few words: the error code with its hint, else the server's or driver's message. */
function reason(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && HINTS[code]) return `${code}: ${HINTS[code]}`;
  return e instanceof Error && e.message ? e.message : 'no connection';
}

const unreachable = (url: string, e: unknown): UserError =>
  new UserError(`Redis at ${maskUrl(url)} is not reachable (${reason(e)}); ${FIX}`, { cause: e });

/** Connects once (no retries) and pings; a failure becomes a `UserError` naming the masked URL and the cause. */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<void> {
  const r = createRedisClient(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  // ioredis rejects connect() with a bare "Connection is closed."; the cause comes as an 'error' event.
  let cause: unknown;
  r.on('error', (e: unknown) => (cause ??= e));
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw unreachable(url, cause ?? e);
  } finally {
    r.disconnect();
  }
}

/**
 * ioredis' own ways of saying the connection is gone. Socket error codes are not matched: an
 * ECONNREFUSED here could as well come from the HTTP side (a closed `--sim-url`).
 */
const isConnectionError = (e: unknown): boolean =>
  e instanceof Error && (e.name === 'MaxRetriesPerRequestError' || e.message === 'Connection is closed.');

/** Runs `work`; a lost Redis connection becomes a one-line `UserError`, anything else is rethrown unchanged. */
export async function explainRedisErrors<T>(work: () => Promise<T>, url: string): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isConnectionError(e)) throw unreachable(url, e);
    throw e;
  }
}
