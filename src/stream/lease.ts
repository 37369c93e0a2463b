/**
 * Who holds an app key's WebSocket session, deployment-wide. KIS allows one session per app key, so the
 * holder takes a Redis lease that it renews (heartbeat) and that expires when it dies, even by kill -9.
 * Every acquisition draws a new fencing token from a counter that never goes back: a holder that stalled
 * past its lease sees a newer token and stops, and anything it writes after that can be told apart.
 * Only a hash of the app key reaches Redis.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/client.js';

// KEYS: lease, fence counter, handover marker. ARGV: holder id, ttl ms.
// Returns {fence, before}: before = 0 first holder (or long ago), 1 the previous holder died or stalled
// (its marker still says "held"), 2 it handed the key over cleanly.
const ACQUIRE = `
local cur = redis.call('get', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  if string.sub(cur, 1, sep - 1) == ARGV[1] then
    redis.call('pexpire', KEYS[1], ARGV[2])
    return {tonumber(string.sub(cur, sep + 1)), 0}
  end
  return {0, 0}
end
local fence = redis.call('incr', KEYS[2])
redis.call('set', KEYS[1], ARGV[1] .. '|' .. fence, 'PX', ARGV[2])
local marker = redis.call('get', KEYS[3])
redis.call('set', KEYS[3], 'held')
if not marker then return {fence, 0} end
if marker == 'held' then return {fence, 1} end
return {fence, 2}`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
// A clean release says so in the marker (for an hour): the next holder knows nobody died, but that
// records between the release and its own registration were not collected.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[2], 'released', 'EX', 3600) return redis.call('del', KEYS[1]) else return 0 end`;

export const keyHash = (appKey: string): string => createHash('sha256').update(appKey).digest('hex').slice(0, 24);

export function streamLeaseKeys(prefix: string, appKey: string): { lease: string; fence: string; dirty: string } {
  const base = `${prefix}:stream:key:${keyHash(appKey)}`;
  return { lease: `${base}:lease`, fence: `${base}:fence`, dirty: `${base}:held` };
}

export interface LeaseGrant {
  /** Strictly increasing per app key over the deployment's lifetime. */
  fence: number;
  /** The previous holder died or stalled without releasing (a takeover). */
  takeover: boolean;
  /** A previous holder existed (died, or released less than an hour ago): records since its end are missing. */
  handover: boolean;
}

/** Who holds a key now (for status pages): the holder id and its fencing token, or null. */
export async function currentHolder(redis: RedisClient, prefix: string, appKey: string): Promise<{ holder: string; fence: number; ttlMs: number } | null> {
  const k = streamLeaseKeys(prefix, appKey).lease;
  const [v, ttl] = await Promise.all([redis.get(k), redis.pttl(k)]);
  if (!v) return null;
  const sep = v.lastIndexOf('|');
  return { holder: v.slice(0, sep), fence: Number(v.slice(sep + 1)), ttlMs: ttl };
}

export class FencedLease {
  private readonly keys: ReturnType<typeof streamLeaseKeys>;
  private value: string | undefined;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    appKey: string,
    private readonly holderId: string,
    readonly ttlMs: number,
  ) {
    if (holderId.includes('|')) throw new Error(`lease holder id must not contain "|": ${holderId}`);
    this.keys = streamLeaseKeys(prefix, appKey);
  }

  get held(): boolean {
    return this.value !== undefined;
  }

  /** Takes the lease if free (or already ours); null when another holder has it. */
  async acquire(): Promise<LeaseGrant | null> {
    const [fence, before] = (await this.redis.eval(ACQUIRE, 3, this.keys.lease, this.keys.fence, this.keys.dirty, this.holderId, String(this.ttlMs))) as [number, number];
    if (fence === 0) return null;
    this.value = `${this.holderId}|${fence}`;
    return { fence, takeover: before === 1, handover: before !== 0 };
  }

  /** Heartbeat. False (and no longer held) when the lease expired and may belong to someone else. */
  async renew(): Promise<boolean> {
    if (!this.value) return false;
    const ok = (await this.redis.eval(RENEW, 1, this.keys.lease, this.value, String(this.ttlMs))) === 1;
    if (!ok) this.value = undefined;
    return ok;
  }

  /** Gives the key up cleanly (nothing lost); idempotent. */
  async release(): Promise<void> {
    const v = this.value;
    if (!v) return;
    this.value = undefined;
    await this.redis.eval(RELEASE, 2, this.keys.lease, this.keys.dirty, v);
  }
}
