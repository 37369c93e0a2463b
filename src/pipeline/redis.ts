/** ioredis connections for BullMQ and our own keys, with the error listener every long-lived client needs. */
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { KrtradeError, errorMessage } from '../errors.js';

export class RedisUnavailableError extends KrtradeError {
  constructor(url: string, cause: unknown) {
    super(
      `cannot reach Redis at ${safeRedisUrl(url)} (${errorMessage(cause)}). Start one with ` +
        '`redis-server --daemonize yes` or `docker run -d -p 6379:6379 redis:7`, or set redis.url / KRTRADE_REDIS_URL.',
      { cause },
    );
  }
}

export const safeRedisUrl = (url: string): string => url.replace(/:\/\/([^:@/]*):[^@/]+@/, '://$1:****@');

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers); we use it everywhere so
 * a Redis restart delays commands instead of failing them.
 */
export function createRedis(url: string, log?: Logger, name = 'krtrade'): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
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
  const r = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null });
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
 * benchmarks clean up). SCAN in pages, so a large keyspace never blocks Redis.
 */
export async function deleteKeysUnder(url: string, prefix: string): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  r.on('error', () => undefined); // a failure surfaces from the commands below
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return deleted;
}
