/**
 * Pipeline counters kept in Redis, so every worker process adds to the same numbers and the dashboard's
 * `/metrics` can report them whichever process did the work. One hash, field = `metric|label|label`.
 */
import type { Redis } from 'ioredis';
import type { KstTime } from '../time/kst.js';

export type CounterName =
  | 'jobs_completed'
  | 'jobs_failed'
  | 'kis_calls'
  | 'kis_errors'
  | 'rate_limit_waits'
  | 'rows_written';

export interface CounterSample {
  name: CounterName;
  labels: string[];
  value: number;
}

const SEP = '|';

export class PipelineStats {
  private readonly key: string;
  private readonly lastDataKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:pipe:stats`;
    this.lastDataKey = `${prefix}:pipe:last-data`;
  }

  /** Never throws: a metrics hiccup must not fail a job. */
  async inc(name: CounterName, labels: string[], by = 1): Promise<void> {
    if (by === 0) return;
    await this.redis.hincrby(this.key, [name, ...labels].join(SEP), by).catch(() => undefined);
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
    await this.redis
      .eval(
        "local c = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') if tonumber(ARGV[2]) > c then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 1",
        1, this.lastDataKey, code, String(time),
      )
      .catch(() => undefined);
  }

  async lastData(): Promise<Map<string, KstTime>> {
    const all = await this.redis.hgetall(this.lastDataKey);
    return new Map(Object.entries(all).map(([k, v]) => [k, Number(v) as KstTime]));
  }
}
