/**
 * REST calls made per app key, counted deployment-wide in Redis so `krtrade queues status` can show each
 * key's use against its budget. Calls are summed in the process and flushed once a second (one Redis round
 * trip per second per key, not per call) into 10-second buckets that expire after two minutes. Buckets
 * are by each host's own clock: a skew of a few hundred ms moves a call between neighbouring buckets,
 * which a one-minute average does not notice.
 */
import type { RedisClient } from '../redis/client.js';
import type { Logger } from '../log.js';

const BUCKET_MS = 10_000;
const FLUSH_MS = 1_000;
const KEEP_MS = 120_000;

/** Redis key of one bucket; `ns` is the app key's namespace (`<prefix>:kis:<app key id>`). */
export const callBucketKey = (ns: string, bucket: number): string => `${ns}:calls:${bucket}`;

export class CallMeter {
  private pending = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly ns: string,
    private readonly logger?: Logger,
  ) {}

  record(n = 1): void {
    const bucket = Math.floor(Date.now() / BUCKET_MS);
    this.pending.set(bucket, (this.pending.get(bucket) ?? 0) + n);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const m = this.redis.multi();
    for (const [bucket, n] of batch) m.incrby(callBucketKey(this.ns, bucket), n).pexpire(callBucketKey(this.ns, bucket), KEEP_MS);
    // A count lost to a Redis outage only makes the status show less use; never fail a call for it.
    await m.exec().catch((e: unknown) => this.logger?.debug({ err: String(e) }, 'REST call count not stored'));
  }
}

/** Average REST calls per second of one app key over the last `windowMs` (whole buckets before the current one). */
export async function callsPerSecond(redis: RedisClient, ns: string, nowMs = Date.now(), windowMs = 60_000): Promise<number> {
  const current = Math.floor(nowMs / BUCKET_MS);
  const n = Math.max(1, Math.round(windowMs / BUCKET_MS));
  const counts = await redis.mget(Array.from({ length: n }, (_, i) => callBucketKey(ns, current - 1 - i)));
  return counts.reduce((s, c) => s + Number(c ?? 0), 0) / ((n * BUCKET_MS) / 1000);
}
