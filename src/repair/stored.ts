/**
 * What is stored, read from PostgreSQL: the truth every recovery starts from. Redis marks are lost with a
 * Redis restart (and a Redis without persistence keeps nothing), so "which minutes do we have" is always a
 * question to the candle table, bounded by time so the partitions' indexes are used.
 */
import type pg from 'pg';
import { formatKst, type KstTime } from '../time/kst.js';

/** The port the scheduler and the repair loop read stored minutes through. */
export interface StoredMinutes {
  /** Candle minutes of `code` stored in [from, to). */
  candleMinutes(code: string, from: KstTime, to: KstTime): Promise<Set<number>>;
}

export function pgStoredMinutes(pool: pg.Pool): StoredMinutes {
  return {
    async candleMinutes(code, from, to) {
      const r = await pool.query<{ timestamp: KstTime }>(
        'SELECT "timestamp" FROM candles_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3',
        [code, formatKst(from), formatKst(to)],
      );
      return new Set(r.rows.map((x) => x.timestamp));
    },
  };
}
