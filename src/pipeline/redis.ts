/** ioredis connections for BullMQ and our own keys, with the error listener every long-lived client needs. */
import type { Logger } from '../log.js';
import { KrtradeError, errorMessage } from '../errors.js';
import { type RedisClient, createRedisClient, deleteMatching } from '../redis/client.js';
import { safeRedisUrl } from '../redis/target.js';

export class RedisUnavailableError extends KrtradeError {
  constructor(url: string, cause: unknown) {
    super(
      `cannot reach Redis at ${safeRedisUrl(url)} (${errorMessage(cause)}). Start one with ` +
        '`redis-server --daemonize yes` or `docker run -d -p 6379:6379 redis:7`, or set redis.url / KRTRADE_REDIS_URL.',
      { cause },
    );
  }
}

export { safeRedisUrl };

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers); we use it everywhere so
 * a Redis restart (or a cluster failover) delays commands instead of failing them.
 */
export function createRedis(url: string, log?: Logger, name = 'krtrade'): RedisClient {
  const r = createRedisClient(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
  let lastLogged = 0;
  r.on('error', (e: Error) => {
    // A down Redis emits an error per reconnect attempt; log at most every 5 s.
    if (Date.now() - lastLogged > 5_000) {
      lastLogged = Date.now();
      log?.warn({ err: e.message, redis: safeRedisUrl(url) }, 'redis connection error (reconnecting)');
    }
  });
  return r;
}

/** Fails fast with a message saying how to start Redis, instead of hanging on an unreachable server. */
export async function checkRedis(url: string, timeoutMs = 3_000): Promise<void> {
  const r = createRedisClient(url, { maxRetriesPerRequest: 0, lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new RedisUnavailableError(url, e);
  } finally {
    r.disconnect();
  }
}

/**
 * Deletes every key under `<prefix>:` with a short-lived connection (demo and CLI sessions start clean,
 * benchmarks clean up), on every master of a cluster.
 */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const r = createRedisClient(url, { maxRetriesPerRequest: 1 });
  r.on('error', () => undefined); // a failure surfaces from the commands below
  try {
    return await deleteMatching(r, `${prefix}:*`);
  } finally {
    r.disconnect();
  }
}
