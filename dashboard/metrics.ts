/**
 * Prometheus metrics. Worker processes count into Redis (src/pipeline/stats.ts); this registry reads those
 * counters, the queues' job counts and each instrument's data lag at scrape time, so one `/metrics`
 * covers every process.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../src/time/clock.js';
import { toKst } from '../src/time/kst.js';
import type { PipelineStats, CounterName } from '../src/pipeline/stats.js';
import type { Queues } from '../jobs/queues.js';

interface CounterSpec {
  help: string;
  labels: string[];
}

const COUNTERS: Record<CounterName, CounterSpec> = {
  jobs_completed: { help: 'Jobs completed, per queue and job name', labels: ['queue', 'job'] },
  jobs_failed: { help: 'Failed job attempts, per queue and job name', labels: ['queue', 'job'] },
  kis_calls: { help: 'KIS REST calls made by the pipeline, per endpoint', labels: ['endpoint'] },
  kis_errors: { help: 'KIS call errors, per KIS error code (or error type)', labels: ['code'] },
  rate_limit_waits: { help: 'Times a job was sent back to wait for the KIS rate limit', labels: ['code'] },
  rows_written: { help: 'Rows inserted or changed in Postgres, per table group', labels: ['table'] },
  dependency_waits: { help: 'Times a job waited (attempt kept) for an unreachable PostgreSQL, Redis or KIS', labels: ['dependency'] },
  quarantined: { help: 'Jobs whose KIS answer stayed broken after the last attempt (raw body in rejected_rows)', labels: ['job'] },
};

export function createMetrics(opts: { stats: PipelineStats; queues: Queues; clock: Clock }): Registry {
  const registry = new Registry();
  for (const [name, spec] of Object.entries(COUNTERS) as [CounterName, CounterSpec][]) {
    const metricName = `krtrade_${name}_total`;
    new Counter({
      name: metricName,
      help: spec.help,
      labelNames: spec.labels,
      registers: [registry],
      async collect() {
        this.reset();
        for (const c of await opts.stats.counters()) {
          if (c.name !== name) continue;
          const labels = Object.fromEntries(spec.labels.map((l, i) => [l, c.labels[i] ?? '']));
          this.inc(labels, c.value);
        }
      },
    });
  }
  new Gauge({
    name: 'krtrade_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [name, q] of Object.entries(opts.queues)) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'krtrade_data_lag_seconds',
    help: 'Clock time since the end of the newest stored minute, per instrument (or option board)',
    labelNames: ['instrument'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = toKst(opts.clock.now());
      for (const [code, t] of await opts.stats.lastData()) this.set({ instrument: code }, Math.max(0, (now - (t + 60_000)) / 1000));
    },
  });
  return registry;
}
