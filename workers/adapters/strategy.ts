/** The pipeline's StrategyRunner port: every registered strategy over a minute batch, then the batch status. */
import type pg from 'pg';
import type { Clock } from '../../src/time/clock.js';
import { formatKstIso, toKst } from '../../src/time/kst.js';
import type { Logger } from '../../src/log.js';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import { setSystemStatus } from '../../src/db/writer-ops.js';
import { strategies } from '../../src/strategy/registry.js';
import { runStrategyBatch } from '../../src/strategy/runner.js';
import type { StrategyRunner } from '../../jobs/services.js';

export function createStrategyRunner(pool: pg.Pool, calendar: TradingCalendar, clock: Clock, log: Logger): StrategyRunner {
  return {
    async runBatch(minute, codes, missing) {
      let signals = 0;
      // Signals are stored idempotently per (strategy, minute), so a retried batch rewrites the same rows.
      for (const strategy of strategies.values()) {
        const r = await runStrategyBatch(pool, strategy, minute, { calendar, missing });
        signals += r.signals.length;
      }
      await setSystemStatus(pool, {
        component: 'strategy',
        status: missing.length ? 'partial' : 'ok',
        message: missing.length ? `batch ${formatKstIso(minute)} ran at the deadline without ${missing.join(', ')}` : `batch ${formatKstIso(minute)}: ${codes.length} instruments`,
        dataCount: signals,
        lastDataTime: minute,
        updatedAt: toKst(clock.now()),
      });
      log.debug({ minute: formatKstIso(minute), codes: codes.length, missing, signals }, 'strategy batch');
      return { signals };
    },
  };
}
