/**
 * `/metrics` from the repair loop's last round: missing minutes per instrument (0 for none is not reported:
 * an instrument drops out of the gauge once repaired) and when that round ran, as Unix seconds.
 */
import { Gauge, type Registry } from 'prom-client';
import type { RedisClient } from '../src/redis/client.js';
import { toInstant } from '../src/time/kst.js';
import { readRepairState, repairRoundTime } from './repair-state.js';

export function registerRepairMetrics(registry: Registry, redis: RedisClient, prefix: string): void {
  // One Redis read per scrape serves both gauges.
  let pending: ReturnType<typeof readRepairState> | undefined;
  const state = () => (pending ??= readRepairState(redis, prefix).finally(() => setImmediate(() => (pending = undefined))));
  new Gauge({
    name: 'krtrade_missing_minutes',
    help: 'Closed minutes missing in PostgreSQL per instrument (candles) or option board, from the repair loop\'s last round',
    labelNames: ['instrument', 'kind'],
    registers: [registry],
    async collect() {
      this.reset();
      const s = await state();
      for (const [code, n] of Object.entries(s?.missing ?? {})) this.set({ instrument: code, kind: 'candles' }, n);
      for (const [board, n] of Object.entries(s?.boardsMissing ?? {})) this.set({ instrument: board, kind: 'boards' }, n);
    },
  });
  new Gauge({
    name: 'krtrade_repair_last_round_timestamp_seconds',
    help: 'When the repair loop last ran a round (Unix seconds); 0 before the first round',
    registers: [registry],
    async collect() {
      this.reset();
      const s = await state();
      const at = s && repairRoundTime(s);
      if (at !== undefined) this.set(toInstant(at) / 1000);
    },
  });
}
