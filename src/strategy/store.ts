/**
 * Stores a strategy's signals for a set of batch minutes so that the table afterwards holds exactly
 * what the strategy emitted for those minutes: new signals inserted, changed ones updated, identical
 * ones left alone, and signals the strategy no longer emits for those minutes removed. Re-running a
 * minute therefore changes nothing.
 */
import type pg from 'pg';
import { writeSignals } from '../db/writer-ops.js';
import type { Signal, WriteResult } from '../db/types.js';
import { formatKst, type KstTime } from '../time/kst.js';

export interface StoreResult extends WriteResult {
  /** Signals of those minutes that the strategy no longer emits. */
  deleted: number;
}

export async function storeSignals(
  pool: pg.Pool,
  strategy: string,
  minutes: readonly KstTime[],
  signals: readonly Signal[],
): Promise<StoreResult> {
  const written = await writeSignals(pool, signals);
  if (minutes.length === 0) return { ...written, deleted: 0 };
  const r = await pool.query(
    `DELETE FROM signals s
      WHERE s.strategy = $1 AND s."timestamp" = ANY($2::timestamp[])
        AND NOT EXISTS (SELECT 1 FROM unnest($3::timestamp[], $4::text[], $5::text[]) AS k(t, symbol, kind)
                         WHERE k.t = s."timestamp" AND k.symbol = s.symbol AND k.kind = s.kind)`,
    [
      strategy,
      minutes.map(formatKst),
      signals.map((s) => formatKst(s.time)),
      signals.map((s) => s.symbol),
      signals.map((s) => s.kind),
    ],
  );
  return { ...written, deleted: r.rowCount ?? 0 };
}
