/**
 * One WebSocket session per app key (KIS answers a second one with OPSP8996 and may keep the slot
 * blocked): processes sharing a Redis agree through a lease key before connecting. The key holds a
 * random token; only the holder renews or deletes it, and a crashed holder's lease expires after `ttlMs`.
 * The app key itself never reaches Redis — only a hash of it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '../../redis/client.js';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export const leaseKey = (prefix: string, appKey: string): string =>
  `${prefix}:kis:ws-lease:${createHash('sha256').update(appKey).digest('hex').slice(0, 24)}`;

export class SessionLease {
  readonly key: string;
  private readonly token = `${process.pid}:${randomBytes(8).toString('hex')}`;
  private held = false;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    appKey: string,
    readonly ttlMs: number,
  ) {
    this.key = leaseKey(prefix, appKey);
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lease if free (or already ours); false when another process holds it. */
  async acquire(): Promise<boolean> {
    if (this.held) return this.renew();
    const ok = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    this.held = ok === 'OK';
    return this.held;
  }

  /** Extends our lease; false (and not held any more) if it expired and someone else took it. */
  async renew(): Promise<boolean> {
    const n = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
    this.held = n === 1;
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
