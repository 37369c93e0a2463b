/**
 * Where Redis is: one server (`redis://host:port/db`) or a Redis Cluster, named by any of its nodes
 * (`redis+cluster://host:port,host:port`, or `redis://…` with `redis.cluster: true`). The URL is the one
 * thing passed around (config, child processes' environment), so cluster mode travels with it.
 */

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisTarget {
  cluster: boolean;
  /** Seed nodes: a cluster client discovers the others from any of them. */
  nodes: RedisNode[];
  username?: string;
  password?: string;
  tls: boolean;
  /** Database number (always 0 on a cluster). */
  db: number;
}

const SCHEME = /^(rediss?)(\+cluster)?:\/\//i;
const DEFAULT_PORT = 6379;

/** A one-line reason why `url` cannot name a Redis server or cluster. */
export class RedisUrlError extends Error {}

function parseNode(text: string): RedisNode {
  // [::1]:7000, host:7000, host
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(text);
  if (!m) throw new RedisUrlError(`${JSON.stringify(text)} is not host:port`);
  const port = m[3] === undefined ? DEFAULT_PORT : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RedisUrlError(`port ${m[3]} of ${JSON.stringify(text)} is not 1–65535`);
  return { host: (m[1] ?? m[2])!, port };
}

/** Parses a Redis URL; `cluster` (config `redis.cluster`) forces cluster mode for a plain `redis://` URL. */
export function parseRedisUrl(url: string, cluster = false): RedisTarget {
  const scheme = SCHEME.exec(url);
  if (!scheme) throw new RedisUrlError('must start with redis://, rediss://, redis+cluster:// or rediss+cluster://');
  const isCluster = cluster || scheme[2] !== undefined;
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@', rest.search(/[/?]|$/));
  const auth = at >= 0 ? rest.slice(0, at) : '';
  const afterAuth = at >= 0 ? rest.slice(at + 1) : rest;
  const hostEnd = afterAuth.search(/[/?]|$/);
  const hosts = afterAuth.slice(0, hostEnd);
  const path = afterAuth.slice(hostEnd).replace(/\?.*$/, '');
  if (!hosts) throw new RedisUrlError('names no host');
  const nodes = hosts.split(',').map((h) => parseNode(h.trim()));
  if (nodes.length > 1 && !isCluster) {
    throw new RedisUrlError(`lists ${nodes.length} hosts: a list of nodes needs cluster mode (redis+cluster://… or redis.cluster: true)`);
  }
  const dbText = path.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new RedisUrlError(`database ${JSON.stringify(dbText)} is not a number`);
  if (isCluster && db !== 0) throw new RedisUrlError(`selects database ${db}: a Redis Cluster has only database 0`);
  const [user, ...pass] = auth.split(':');
  const target: RedisTarget = { cluster: isCluster, nodes, tls: scheme[1]!.toLowerCase() === 'rediss', db };
  if (user) target.username = decodeURIComponent(user);
  if (pass.length) target.password = decodeURIComponent(pass.join(':'));
  return target;
}

/** The URL with cluster mode spelt in its scheme, so it alone says how to connect. */
export function clusterUrl(url: string): string {
  return url.replace(/^(rediss?)(\+cluster)?:\/\//i, (_m, s: string) => `${s.toLowerCase()}+cluster://`);
}

/** Hash tag: Redis Cluster hashes only the part between the first `{` and the next `}` (when not empty). */
export function hasHashTag(key: string): boolean {
  return /\{[^}]+\}/.test(key);
}

/**
 * The key prefix krtrade uses: on a cluster the configured prefix inside a hash tag (`{krtrade}`), so every
 * key krtrade writes — BullMQ's queues included — lives in one slot, and every Lua script, MULTI and
 * multi-key command touches one slot only. A prefix that already carries a tag is used as it is.
 */
export function effectivePrefix(prefix: string, cluster: boolean): string {
  return cluster && !hasHashTag(prefix) ? `{${prefix}}` : prefix;
}

/** The URL with its password masked (for messages and logs). */
export const safeRedisUrl = (url: string): string => url.replace(/:\/\/([^:@/]*):[^@/]+@/, '://$1:****@');
