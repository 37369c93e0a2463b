/**
 * Late data reaching strategies: the `strategy_batches` record of each live minute batch and the late
 * re-run of a batch when an instrument it ran without is stored afterwards (repair loop, backfill, a late
 * live fetch). PostgreSQL holds the whole state, so a Redis wipe or a killed worker neither loses a late
 * run nor repeats one:
 *
 * - `openBatch` before the on-time run (missing = every expected instrument, `ran_at` NULL), `closeBatch`
 *   after it (missing = what it lacked). A candle stored in between is either in the run's done set or
 *   still listed as missing, so no arrival falls between the two.
 * - `batchesMissing` after a candle write: the minutes whose batch ran without that instrument.
 * - `claimLate` → run → `finishLate`: the claim snapshots the minute's signals in the row (`late_pending`),
 *   so a retried run reuses the claim; the finish flags the signals the run added or changed and removes
 *   the instruments from `missing`. A second repair of the same minute finds nothing to claim.
 */
import type pg from 'pg';
import { formatKst, type KstTime } from '../time/kst.js';

/** A signal of the minute as it was before a late run: what decides whether the run changed it. */
interface SignalBefore {
  strategy: string;
  symbol: string;
  kind: string;
  value: number | null;
  payload: unknown;
}

export type LateClaim =
  | { status: 'running' }
  | { status: 'nothing' }
  | { status: 'claimed'; codes: string[]; stillMissing: string[] };

/** Records that `minute`'s on-time run is starting, expecting `expected` (kept if a retry finds it). */
export async function openBatch(pool: pg.Pool, minute: KstTime, expected: readonly string[]): Promise<void> {
  await pool.query(`INSERT INTO strategy_batches (minute, missing) VALUES ($1, $2) ON CONFLICT (minute) DO NOTHING`, [formatKst(minute), [...expected]]);
}

/** Records what the on-time run lacked; a retry of a run already recorded changes nothing. */
export async function closeBatch(pool: pg.Pool, minute: KstTime, missing: readonly string[], ranAt: KstTime): Promise<void> {
  await pool.query(
    `INSERT INTO strategy_batches (minute, ran_at, missing) VALUES ($1, $2, $3)
     ON CONFLICT (minute) DO UPDATE SET ran_at = EXCLUDED.ran_at, missing = EXCLUDED.missing WHERE strategy_batches.ran_at IS NULL`,
    [formatKst(minute), formatKst(ranAt), [...missing]],
  );
}

/** The minutes among `minutes` whose batch lists `code` as missing (one indexed query per candle write). */
export async function batchesMissing(pool: pg.Pool, code: string, minutes: readonly KstTime[]): Promise<KstTime[]> {
  if (!minutes.length) return [];
  const r = await pool.query<{ minute: KstTime }>(
    `SELECT minute FROM strategy_batches WHERE minute = ANY($1::timestamp[]) AND cardinality(missing) > 0 AND $2 = ANY(missing) ORDER BY minute`,
    [minutes.map(formatKst), code],
  );
  return r.rows.map((row) => row.minute);
}

/** Claims `codes` (those still missing) for a late run of `minute`, or the claim a crashed run left. */
export async function claimLate(pool: pg.Pool, minute: KstTime, codes: readonly string[]): Promise<LateClaim> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const r = await client.query<{ ran_at: KstTime | null; missing: string[]; late_pending: { codes: string[] } | null }>(
      `SELECT ran_at, missing, late_pending FROM strategy_batches WHERE minute = $1 FOR UPDATE`,
      [formatKst(minute)],
    );
    const row = r.rows[0];
    let claim: LateClaim;
    if (!row) claim = { status: 'nothing' };
    else if (row.ran_at === null) claim = { status: 'running' };
    else {
      const pending = row.late_pending?.codes ?? [];
      const fresh = codes.filter((c) => row.missing.includes(c) && !pending.includes(c));
      if (!fresh.length && !pending.length) claim = { status: 'nothing' };
      else {
        const all = [...pending, ...fresh].sort();
        // The snapshot is taken once, by the first claim: a retry after the run wrote must not see its own signals as "before".
        await client.query(
          `UPDATE strategy_batches SET late_pending = jsonb_build_object('codes', $2::jsonb, 'before',
             COALESCE(late_pending->'before', (SELECT COALESCE(jsonb_agg(jsonb_build_object('strategy', strategy, 'symbol', symbol, 'kind', kind, 'value', value, 'payload', payload)), '[]'::jsonb)
                FROM signals WHERE "timestamp" = $1)))
           WHERE minute = $1`,
          [formatKst(minute), JSON.stringify(all)],
        );
        claim = { status: 'claimed', codes: all, stillMissing: row.missing.filter((c) => !all.includes(c)) };
      }
    }
    await client.query('COMMIT');
    return claim;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** After the late run stored its signals: flags those it added or changed, and closes the claim. Returns how many it flagged. */
export async function finishLate(pool: pg.Pool, minute: KstTime, at: KstTime): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const r = await client.query<{ late_pending: { codes: string[]; before: SignalBefore[] } | null }>(
      `SELECT late_pending FROM strategy_batches WHERE minute = $1 FOR UPDATE`,
      [formatKst(minute)],
    );
    const pending = r.rows[0]?.late_pending;
    if (!pending) {
      await client.query('COMMIT');
      return 0;
    }
    const flagged = await client.query(
      `UPDATE signals s SET late = true
        WHERE s."timestamp" = $1 AND NOT s.late
          AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS b(strategy text, symbol text, kind text, value double precision, payload jsonb)
                           WHERE b.strategy = s.strategy AND b.symbol = s.symbol AND b.kind = s.kind
                             AND b.value IS NOT DISTINCT FROM s.value AND b.payload = s.payload)`,
      [formatKst(minute), JSON.stringify(pending.before)],
    );
    await client.query(
      `UPDATE strategy_batches SET missing = ARRAY(SELECT m FROM unnest(missing) AS m WHERE NOT m = ANY($2::text[])),
              late_codes = ARRAY(SELECT DISTINCT c FROM unnest(late_codes || $2::text[]) AS c ORDER BY c),
              late_runs = late_runs + 1, late_ran_at = $3, late_pending = NULL
        WHERE minute = $1`,
      [formatKst(minute), pending.codes, formatKst(at)],
    );
    await client.query('COMMIT');
    return flagged.rowCount ?? 0;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
