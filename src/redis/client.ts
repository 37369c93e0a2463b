/**
 * The one place krtrade opens Redis connections: a plain ioredis client for one server, an ioredis
 * `Cluster` for a Redis Cluster (decided by the URL, see target.ts). Everything else takes a
 * `RedisClient` and works on both: keys share one hash tag on a cluster (`effectivePrefix`), so
 * scripts and transactions never span slots.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisUrl } from './target.js';

export type RedisClient = Redis | Cluster;

/** The connection settings callers choose; the rest comes from the URL. */
export interface ClientOptions {
  maxRetriesPerRequest?: number | null;
  connectionName?: string;
  lazyConnect?: boolean;
  connectTimeout?: number;
  enableOfflineQueue?: boolean;
  /** `null` = do not reconnect (one-shot checks). */
  retryStrategy?: (times: number) => number | null;
}

/** How long a cluster client waits between tries while a failed master's replica takes over. */
const FAILOVER_RETRY_MS = 200;
/** How often a cluster client re-reads the slot map (one CLUSTER SLOTS). */
const SLOTS_REFRESH_MS = 2_000;

export function createRedisClient(url: string, o: ClientOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  if (!target.cluster) return new Redis(url, withoutUndefined(o) as RedisOptions);
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = o;
  const options: ClusterOptions = {
    redisOptions: withoutUndefined({
      ...perNode,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    }) as RedisOptions,
    retryDelayOnFailover: FAILOVER_RETRY_MS,
    retryDelayOnClusterDown: FAILOVER_RETRY_MS,
    retryDelayOnTryAgain: FAILOVER_RETRY_MS,
    // Redirections during a failover are retried by ioredis (MOVED/ASK/CLUSTERDOWN/TRYAGAIN).
    maxRedirections: 64,
    // A killed master answers nothing, so no MOVED ever tells the client about its replica's promotion, and
    // commands wait on the dead connection (nodes never give up: maxRetriesPerRequest null). Reading the slot
    // map on a timer drops the dead node, which hands its waiting commands back to be resent to the new master.
    slotsRefreshInterval: SLOTS_REFRESH_MS,
    ...withoutUndefined({ lazyConnect, enableOfflineQueue }),
    ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
  };
  return new Cluster(target.nodes, options);
}

export const isCluster = (r: RedisClient): r is Cluster => (r as Cluster).isCluster === true;

/** The connections that hold data: the client itself, or every master of a cluster. */
export async function dataNodes(r: RedisClient): Promise<Redis[]> {
  if (!isCluster(r)) return [r];
  // The masters are known once the client has loaded the slot map.
  if (r.status !== 'ready') await new Promise<void>((resolve, reject) => {
    r.once('ready', resolve);
    r.once('end', () => reject(new Error('the Redis Cluster connection closed before it was ready')));
    if (r.status === 'wait') r.connect().catch(reject);
  });
  return r.nodes('master');
}

/**
 * Every key matching `pattern` on every master (SCAN in pages, so a large keyspace never blocks Redis).
 * A cluster client's own SCAN asks one random node; keys live on all of them.
 */
export async function scanKeys(r: RedisClient, pattern: string, count = 1000): Promise<string[]> {
  const found: string[] = [];
  for (const node of await dataNodes(r)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/**
 * Deletes every key matching `pattern`, node by node, one key per command: keys in different slots
 * (a prefix without a hash tag) cannot share one DEL on a cluster.
 */
export async function deleteMatching(r: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for (const node of await dataNodes(r)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (!keys.length) continue;
      const p = node.pipeline();
      for (const k of keys) p.unlink(k);
      for (const [err, n] of (await p.exec()) ?? []) {
        if (err) throw err;
        deleted += Number(n);
      }
    } while (cursor !== '0');
  }
  return deleted;
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
