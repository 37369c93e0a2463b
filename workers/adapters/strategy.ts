/**
 * The pipeline's StrategyRunner port: the live strategies (configured, or the registered defaults) over a
 * minute batch, each isolated, then the batch status and the after-batch listeners (paper broker, alerts).
 */
import type pg from 'pg';
import type { Clock } from '../../src/time/clock.js';
import { formatKstIso, toKst, type KstTime } from '../../src/time/kst.js';
import type { Logger } from '../../src/log.js';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import type { Signal } from '../../src/db/types.js';
import { setSystemStatus } from '../../src/db/writer-ops.js';
import { strategies } from '../../src/strategy/registry.js';
import type { ConfiguredStrategy } from '../../src/strategy/configured.js';
import { runStrategiesIsolated } from '../../src/strategy/isolated.js';
import type { StrategyRunner } from '../../jobs/services.js';

/** Called after every batch with the signals of the strategies that succeeded; a throw fails the job (retried). */
export type AfterBatch = (minute: KstTime, signals: readonly Signal[]) => Promise<void>;

export interface StrategyRunnerOptions {
  /** Default: every registered strategy with a 10 s timeout. */
  live?: readonly ConfiguredStrategy[];
  afterBatch?: readonly AfterBatch[];
  /** `pipeline.strategyInput`: bars from the REST poll or built from ticks. */
  barSource?: 'rest' | 'ticks';
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createStrategyRunner(pool: pg.Pool, calendar: TradingCalendar, clock: Clock, log: Logger, o: StrategyRunnerOptions = {}): StrategyRunner {
  const live = (): readonly ConfiguredStrategy[] =>
    o.live ?? [...strategies.values()].map((strategy) => ({ strategy, timeoutMs: DEFAULT_TIMEOUT_MS, entry: { name: strategy.name, module: strategy.name, params: {}, timeoutMs: DEFAULT_TIMEOUT_MS } }));
  return {
    async runBatch(minute, codes, missing) {
      // Signals are stored idempotently per (strategy, minute), so a retried batch rewrites the same rows.
      const outcomes = await runStrategiesIsolated(pool, live(), minute, { calendar, missing, barSource: o.barSource ?? 'rest' });
      const updatedAt = toKst(clock.now());
      const all: Signal[] = [];
      for (const r of outcomes) {
        all.push(...r.signals);
        if (r.ok) continue;
        log.error({ minute: formatKstIso(minute), strategy: r.strategy, timedOut: r.timedOut ?? false, err: r.error }, 'strategy failed for this batch; the other strategies ran');
        await setSystemStatus(pool, { component: `strategy:${r.strategy}`, status: r.timedOut ? 'timeout' : 'error', message: `batch ${formatKstIso(minute)}: ${r.error}`, lastDataTime: minute, updatedAt });
      }
      const failed = outcomes.filter((r) => !r.ok).map((r) => r.strategy);
      await setSystemStatus(pool, {
        component: 'strategy',
        status: missing.length || failed.length ? 'partial' : 'ok',
        message: [
          missing.length ? `batch ${formatKstIso(minute)} ran at the deadline without ${missing.join(', ')}` : `batch ${formatKstIso(minute)}: ${codes.length} instruments`,
          ...(failed.length ? [`failed: ${failed.join(', ')}`] : []),
        ].join('; '),
        dataCount: all.length,
        lastDataTime: minute,
        updatedAt,
      });
      for (const listener of o.afterBatch ?? []) await listener(minute, all);
      log.debug({ minute: formatKstIso(minute), codes: codes.length, missing, signals: all.length, failed }, 'strategy batch');
      return { signals: all.length };
    },
  };
}
