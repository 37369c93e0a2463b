/** Which queues each worker pool serves, and starting pools and the scheduler on a runtime. */
import { accountBudgets } from '../src/pipeline/account-balance.js';
import type { QueueName } from '../jobs/catalog.js';
import { handlers } from '../jobs/handlers/index.js';
import { defaultAccountName } from '../src/pipeline/subscriptions.js';
import { createWorkerPool, type WorkerPool } from './pool.js';
import type { Runtime } from './runtime.js';
import { Scheduler } from './scheduler.js';
import { startAlertDelivery } from './alerts.js';
import { pgStoredMinutes } from '../src/repair/stored.js';
import { RepairLoop } from '../jobs/repair.js';
import { frontFuture, nearestOptionExpiry, parseInstrumentCode } from '../src/market/instruments/index.js';
import type { InstrumentRules } from '../src/pipeline/subscriptions.js';
import type { TradingCalendar } from '../src/market/calendar/index.js';

export const POOL_KINDS = ['fetch', 'aggregate', 'upsert', 'strategy'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

/** Backfill pages are KIS fetches too, so the fetch pool serves both (live first: the live queue has its own worker). */
export const POOL_QUEUES: Record<PoolKind, QueueName[]> = {
  fetch: ['fetch', 'backfill'],
  aggregate: ['aggregate'],
  upsert: ['upsert'],
  strategy: ['strategy'],
};

export interface PoolTuning {
  concurrency: number;
  lockDurationMs?: number;
}

export function startPools(rt: Runtime, kinds: readonly PoolKind[], tuning: PoolTuning): WorkerPool[] {
  const pools: WorkerPool[] = [];
  for (const kind of kinds) {
    for (const queue of POOL_QUEUES[kind]) {
      // The strategy must run batches one at a time, in order.
      const concurrency = queue === 'strategy' ? 1 : tuning.concurrency;
      const pool = createWorkerPool({
        queue, concurrency, connection: rt.redis, prefix: rt.config.redis.prefix, services: rt.services, handlers,
        ...(tuning.lockDurationMs ? { lockDurationMs: tuning.lockDurationMs } : {}),
      });
      rt.closers.add(`worker:${queue}`, pool);
      pools.push(pool);
    }
  }
  // The strategy pool's process also delivers alerts (its signals are most of them).
  if (kinds.includes('strategy')) startAlertDelivery(rt);
  rt.log.info({ pools: kinds, concurrency: tuning.concurrency }, 'worker pools started');
  return pools;
}

export function instrumentRules(calendar: TradingCalendar): InstrumentRules {
  return {
    frontFuture: (family, date) => frontFuture(family, date, calendar),
    nearestOptionExpiry: (series, date) => nearestOptionExpiry(series, date, calendar),
    familyOfCode(code) {
      const inst = parseInstrumentCode(code, { calendar });
      return inst.kind === 'stock' ? { family: 'stock' } : { family: inst.family, ...(inst.expiry ? { expiry: inst.expiry } : {}) };
    },
  };
}

export function startScheduler(rt: Runtime): Scheduler {
  const p = rt.config.pipeline;
  const scheduler = new Scheduler({
    services: rt.services,
    calendar: rt.calendar,
    rules: instrumentRules(rt.calendar),
    subscriptions: p.subscriptions,
    defaultAccount: defaultAccountName(rt.config),
    accountBudgets: accountBudgets(rt.config),
    bufferMs: p.scheduleBufferMs,
    strategyDeadlineMs: p.strategyDeadlineMs,
    strategyDeadlineMinRealMs: p.strategyDeadlineMinRealMs,
    stored: pgStoredMinutes(rt.pool),
    lookbackMinutes: rt.config.repair.lookbackMinutes,
  });
  rt.closers.add('scheduler', scheduler);
  scheduler.start();
  // Verify-and-repair from PostgreSQL every few minutes (jobs/repair.ts); closed before the scheduler.
  const repair = new RepairLoop({ services: rt.services, stored: pgStoredMinutes(rt.pool), pool: rt.pool, calendar: rt.calendar, config: rt.config.repair, targets: () => scheduler.candleTargets() });
  rt.closers.add('repair', repair);
  repair.start();
  return scheduler;
}
