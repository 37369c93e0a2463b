/**
 * Tick-built bars against the REST bars of the same minutes. Whichever of the two is stored second
 * triggers the comparison (the tick-bar sink after storing, the candle writer after a REST upsert), so
 * each pair is compared once both exist. A difference goes to `data_quality_bars` with both values; a
 * pair that agrees again (a late trade amended the tick bar) clears its row.
 */
import type pg from 'pg';
import { kstText } from '../db/copy.js';
import type { KstTime } from '../time/kst.js';

export interface BarKey {
  symbol: string;
  /** Minute start, KST. */
  time: KstTime;
}

export interface CompareResult {
  /** Pairs found with both a tick bar and a REST bar. */
  compared: number;
  mismatches: number;
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
const obj = (a: string) => `jsonb_build_object(${FIELDS.map((f) => `'${f}', ${a}.${f}`).join(', ')})`;

const COMPARE_SQL = `
WITH k AS (SELECT DISTINCT * FROM unnest($1::text[], $2::timestamp[]) AS k(symbol, ts)),
pairs AS (
  SELECT t.symbol, t."timestamp", t.trading_date, c.family, ${obj('t')} AS tick_bar, ${obj('c')} AS rest_bar,
         array_remove(ARRAY[${FIELDS.map((f) => `CASE WHEN t.${f} IS DISTINCT FROM c.${f} THEN '${f}' END`).join(', ')}], NULL) AS fields
    FROM k
    JOIN tick_bars_1m t ON t.symbol = k.symbol AND t."timestamp" = k.ts
    JOIN candles_1m c ON c.symbol = k.symbol AND c."timestamp" = k.ts
),
ins AS (
  INSERT INTO data_quality_bars (symbol, "timestamp", trading_date, family, tick_bar, rest_bar, fields)
  SELECT symbol, "timestamp", trading_date, family, tick_bar, rest_bar, fields FROM pairs WHERE cardinality(fields) > 0
  ON CONFLICT (symbol, "timestamp", family) DO UPDATE SET tick_bar = EXCLUDED.tick_bar, rest_bar = EXCLUDED.rest_bar,
    fields = EXCLUDED.fields, detected_at = EXCLUDED.detected_at
  RETURNING 1
),
cleared AS (
  DELETE FROM data_quality_bars d USING pairs p
   WHERE cardinality(p.fields) = 0 AND d.symbol = p.symbol AND d."timestamp" = p."timestamp" AND d.family = p.family
)
SELECT (SELECT count(*) FROM pairs)::int AS compared, (SELECT count(*) FROM ins)::int AS mismatches`;

/** Compares the tick and REST bars of `keys` that both exist; records the differences. */
export async function compareBars(pool: pg.Pool, keys: readonly BarKey[]): Promise<CompareResult> {
  if (keys.length === 0) return { compared: 0, mismatches: 0 };
  const r = await pool.query<CompareResult>(COMPARE_SQL, [keys.map((k) => k.symbol), keys.map((k) => kstText(k.time))]);
  return r.rows[0]!;
}
