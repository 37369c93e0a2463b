/**
 * The stream's Prometheus metrics, read at scrape time from the counters every stream worker adds to
 * Redis (workers/stream.ts), so one `/metrics` covers all of them. The lag histogram is exposed as its
 * cumulative `_bucket{le}`/`_sum`/`_count` series (histogram_quantile works on them as usual).
 */
import type { RedisClient } from '../redis/client.js';
import { Counter, Gauge, type Registry } from 'prom-client';
import { LAG_BUCKETS, readWorkerStatuses, statsKey } from './status.js';

export function registerStreamMetrics(registry: Registry, redis: RedisClient, prefix: string): void {
  let cache: { at: number; stats: Promise<Record<string, number>> } | undefined;
  // One Redis read per scrape for all the series below.
  const stats = (): Promise<Record<string, number>> => {
    if (!cache || Date.now() - cache.at > 200) {
      cache = { at: Date.now(), stats: redis.hgetall(statsKey(prefix)).then((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]))) };
    }
    return cache.stats;
  };
  const counter = (name: string, help: string, read: (s: Record<string, number>, c: Counter) => void, labelNames: string[] = []): void => {
    new Counter({ name, help, labelNames, registers: [registry], async collect() {
      this.reset();
      read(await stats(), this);
    } });
  };
  counter('krtrade_stream_records_stored_total', 'Realtime records committed to PostgreSQL, per KIS TR (rate() = records stored per second)', (s, c) => {
    for (const [k, v] of Object.entries(s)) if (k.startsWith('records:')) c.inc({ tr: k.slice(8) }, v);
  }, ['tr']);
  counter('krtrade_stream_commit_lag_seconds_bucket', 'Exchange time → commit lag of stored records (cumulative histogram buckets)', (s, c) => {
    for (const b of LAG_BUCKETS) c.inc({ le: String(b) }, s[`lag_le_${b}`] ?? 0);
    c.inc({ le: '+Inf' }, s.lag_count ?? 0);
  }, ['le']);
  counter('krtrade_stream_commit_lag_seconds_sum', 'Sum of the exchange time → commit lags', (s, c) => c.inc((s.lag_sum_ms ?? 0) / 1000));
  counter('krtrade_stream_commit_lag_seconds_count', 'Records whose lag was measured', (s, c) => c.inc(s.lag_count ?? 0));
  counter('krtrade_stream_reconnects_total', 'WebSocket sessions that dropped and came back (reconnect, server close, PINGPONG silence)', (s, c) => c.inc(s.reconnects ?? 0));
  counter('krtrade_stream_takeovers_total', 'App keys taken over from a dead or departed stream worker', (s, c) => c.inc(s.takeovers ?? 0));
  counter('krtrade_stream_gap_seconds_total', 'Seconds of stream gaps, summed over instruments', (s, c) => c.inc(s.gap_seconds ?? 0));
  new Gauge({
    name: 'krtrade_stream_records_per_second', help: 'Records received per second over all stream workers (last second)', registers: [registry],
    async collect() {
      this.set((await readWorkerStatuses(redis, prefix)).reduce((n, w) => n + w.recordsPerSec, 0));
    },
  });
}
