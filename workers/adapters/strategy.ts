/**
 * The pipeline's StrategyRunner port: the live strategies (configured, or the registered defaults) over a
 * minute batch, each isolated, then the batch status and the after-batch listeners (paper broker, alerts).
 * A late re-run (instruments stored after the batch ran) stores its signals flagged late and calls no
 * listener: the paper broker fills at the bar after a signal, which has passed by then, and an alert about
 * a past minute would mislead; the signals are there for the dashboard, replay and the next batches.
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
import { batchesMissing, claimLate, closeBatch, finishLate, openBatch } from '../../src/strategy/late-batches.js';

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
    openBatch: (minute, expected) => openBatch(pool, minute, expected),
    closeBatch: (minute, missing) => closeBatch(pool, minute, missing, toKst(clock.now())),
    batchesMissing: (code, minutes) => batchesMissing(pool, code, minutes),
    async runLate(minute, codes) {
      const claim = await claimLate(pool, minute, codes);
      if (claim.status === 'running') return { ran: false, retry: true };
      if (claim.status === 'nothing') return { ran: false };
      const outcomes = await runStrategiesIsolated(pool, live(), minute, { calendar, missing: claim.stillMissing });
      for (const r of outcomes) {
        if (!r.ok) log.error({ minute: formatKstIso(minute), strategy: r.strategy, err: r.error }, 'strategy failed in a late re-run; its earlier signals stay');
      }
      const flaggedLate = await finishLate(pool, minute, toKst(clock.now()));
      return { ran: true, codes: claim.codes, signals: outcomes.reduce((n, r) => n + r.signals.length, 0), flaggedLate };
    },
  };
}
