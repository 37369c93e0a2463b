/**
 * Pipeline counters kept in Redis, so every worker process adds to the same numbers and the dashboard's
 * `/metrics` can report them whichever process did the work. One hash, field = `metric|label|label`.
 */
import type { RedisClient } from '../redis/client.js';
import type { KstTime } from '../time/kst.js';

export type CounterName =
  | 'jobs_completed'
  | 'jobs_failed'
  | 'kis_calls'
  | 'kis_errors'
  | 'rate_limit_waits'
  | 'rows_written'
  | 'dependency_waits'
  | 'quarantined';

export interface CounterSample {
  name: CounterName;
  labels: string[];
  value: number;
}

const SEP = '|';

export interface StatsOptions {
  /**
   * Buffer counter increments and data marks in memory and write them every `flushMs` (one round trip for
   * all of them instead of one or two per job). Worker processes use it; `close()` writes what is left.
   */
  flushMs?: number;
}

const MARK_DATA_LUA =
  "for i = 1, #ARGV, 2 do local c = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') if tonumber(ARGV[i + 1]) > c then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end end return 1";

export class PipelineStats {
  private readonly key: string;
  private readonly lastDataKey: string;
  private readonly counts = new Map<string, number>();
  private readonly marks = new Map<string, number>();
  private readonly timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly o: StatsOptions = {},
  ) {
    this.key = `${prefix}:pipe:stats`;
    this.lastDataKey = `${prefix}:pipe:last-data`;
    if (o.flushMs) {
      this.timer = setInterval(() => void this.flush(), o.flushMs);
      this.timer.unref();
    }
  }

  /** Never throws: a metrics hiccup must not fail a job. */
  async inc(name: CounterName, labels: string[], by = 1): Promise<void> {
    if (by === 0) return;
    const field = [name, ...labels].join(SEP);
    if (this.o.flushMs) {
      this.counts.set(field, (this.counts.get(field) ?? 0) + by);
      return;
    }
    await this.redis.hincrby(this.key, field, by).catch(() => undefined);
  }

  async counters(): Promise<CounterSample[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.entries(all).map(([field, v]) => {
      const [name, ...labels] = field.split(SEP);
      return { name: name as CounterName, labels, value: Number(v) };
    });
  }

  /** Records the newest stored candle minute of an instrument (kept monotonic by a Lua max). */
  async markData(code: string, time: KstTime): Promise<void> {
    if (this.o.flushMs) {
      if (time > (this.marks.get(code) ?? 0)) this.marks.set(code, time);
      return;
    }
    await this.redis.eval(MARK_DATA_LUA, 1, this.lastDataKey, code, String(time)).catch(() => undefined);
  }

  /** Writes buffered increments and marks (no-op when unbuffered). Never throws; a failed write is retried next time. */
  flush(): Promise<void> {
    return (this.flushing ??= this.write().finally(() => (this.flushing = undefined)));
  }

  private async write(): Promise<void> {
    if (this.counts.size === 0 && this.marks.size === 0) return;
    const counts = [...this.counts];
    const marks = [...this.marks];
    this.counts.clear();
    this.marks.clear();
    const m = this.redis.multi();
    for (const [field, by] of counts) m.hincrby(this.key, field, by);
    if (marks.length) m.eval(MARK_DATA_LUA, 1, this.lastDataKey, ...marks.flatMap(([c, t]) => [c, String(t)]));
    try {
      await m.exec();
    } catch {
      // Put them back for the next flush.
      for (const [field, by] of counts) this.counts.set(field, (this.counts.get(field) ?? 0) + by);
      for (const [c, t] of marks) if (t > (this.marks.get(c) ?? 0)) this.marks.set(c, t);
    }
  }

  /** Stops the timer and writes what is buffered. Idempotent. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  async lastData(): Promise<Map<string, KstTime>> {
    const all = await this.redis.hgetall(this.lastDataKey);
    return new Map(Object.entries(all).map(([k, v]) => [k, Number(v) as KstTime]));
  }
}
