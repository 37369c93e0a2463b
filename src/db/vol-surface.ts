/**
 * `vol_surface`: one row per expiry (`underlying_symbol` = KOSPI200:20261210) and minute — the forward the
 * slice was built on, ATM IV, 25-delta risk reversal and butterfly, skew slope, the SVI parameters and fit
 * error, and the arbitrage flags. Units in docs/storage.md; missing values are NULL, never 0.
 */
import type pg from 'pg';
import { addDays, formatKst, startOfDate, type KstDate, type KstTime } from '../time/kst.js';
import type { WriteResult } from './types.js';
import { upsertBatch, type Column, type UpsertSpec } from './upsert.js';
import { dateProblem, describeTime, firstProblem, numberProblem, timeProblem } from './validate.js';
import { underlyingSymbolProblem } from './writer.js';

export interface VolSurfaceRow {
  time: KstTime;
  underlyingSymbol: string;
  underlying: string;
  expiry: KstDate;
  forward: number | null;
  forwardSource: 'parity' | 'futures' | 'spot_carry' | null;
  forwardUncertainty: number | null;
  underlyingPrice: number | null;
  yearsToExpiry: number;
  rate: number;
  atmIv: number | null;
  rr25: number | null;
  bf25: number | null;
  skewSlope: number | null;
  svi: { a: number; b: number; rho: number; m: number; s: number } | null;
  fitRmse: number | null;
  fitPoints: number;
  butterflyArbitrage: boolean | null;
  calendarArbitrage: boolean | null;
  /** Fitted on a board rebuilt from per-strike candles (src/repair/boards-rebuild.ts). */
  rebuilt?: boolean;
}

const num = (name: string, get: (r: VolSurfaceRow) => number | null | undefined): Column<VolSurfaceRow> => ({
  name, type: 'DOUBLE PRECISION', get: (r) => get(r) ?? null,
});
const bool = (name: string, get: (r: VolSurfaceRow) => boolean | null): Column<VolSurfaceRow> => ({
  name, type: 'BOOLEAN', get: (r) => { const v = get(r); return v === null ? null : v ? 't' : 'f'; },
});
const SVI_KEYS = ['a', 'b', 'rho', 'm', 's'] as const;
const SIGNED = ['rr25', 'bf25', 'skewSlope', 'rate'] as const;
const UNSIGNED = ['forward', 'forwardUncertainty', 'underlyingPrice', 'yearsToExpiry', 'atmIv', 'fitRmse'] as const;

const spec: UpsertSpec<VolSurfaceRow> = {
  label: 'vol_surface',
  stage: 'krt_stage_vol_surface',
  columns: [
    { name: '"timestamp"', type: 'TIMESTAMP', get: (r) => formatKst(r.time) },
    { name: 'underlying_symbol', type: 'TEXT', get: (r) => r.underlyingSymbol },
    { name: 'underlying', type: 'TEXT', get: (r) => r.underlying },
    { name: 'expiry', type: 'DATE', get: (r) => r.expiry },
    num('forward', (r) => r.forward),
    { name: 'forward_source', type: 'TEXT', get: (r) => r.forwardSource },
    num('forward_uncertainty', (r) => r.forwardUncertainty),
    num('underlying_price', (r) => r.underlyingPrice),
    num('years_to_expiry', (r) => r.yearsToExpiry),
    num('rate', (r) => r.rate),
    num('atm_iv', (r) => r.atmIv),
    num('rr25', (r) => r.rr25),
    num('bf25', (r) => r.bf25),
    num('skew_slope', (r) => r.skewSlope),
    ...SVI_KEYS.map((k) => num(`svi_${k}`, (r) => r.svi?.[k])),
    num('fit_rmse', (r) => r.fitRmse),
    { name: 'fit_points', type: 'INTEGER', get: (r) => r.fitPoints },
    bool('butterfly_arbitrage', (r) => r.butterflyArbitrage),
    bool('calendar_arbitrage', (r) => r.calendarArbitrage),
    bool('rebuilt', (r) => r.rebuilt ?? false),
  ],
  key: ['underlying_symbol', '"timestamp"'],
  onConflict: 'update',
  problem: (r) =>
    firstProblem(
      timeProblem('time', r.time),
      underlyingSymbolProblem(r.underlyingSymbol),
      dateProblem('expiry', r.expiry),
      ...UNSIGNED.map((f) => numberProblem(f, r[f], { optional: f !== 'yearsToExpiry' })),
      ...SIGNED.map((f) => numberProblem(f, r[f], { optional: f !== 'rate', signed: true })),
      ...SVI_KEYS.map((k) => numberProblem(`svi.${k}`, r.svi?.[k], { optional: true, signed: true })),
      numberProblem('fitPoints', r.fitPoints, { integer: true }),
      r.atmIv === 0 ? 'atmIv 0 is not a value: a missing IV is stored as null' : null,
    ),
  describe: (r) => ({ ...r, time: describeTime(r.time) }),
  latest: { source: 'vol_surface', symbolColumn: 'underlying_symbol', timeColumn: '"timestamp"' },
};

/** Idempotent upsert of surface slices. */
export async function writeVolSurface(pool: pg.Pool, rows: readonly VolSurfaceRow[]): Promise<WriteResult> {
  return upsertBatch(pool, spec, 'vol_surface', rows);
}

interface VolSurfaceRecord {
  timestamp: KstTime;
  underlying_symbol: string;
  underlying: string;
  expiry: KstDate;
  forward: number | null;
  forward_source: VolSurfaceRow['forwardSource'];
  forward_uncertainty: number | null;
  underlying_price: number | null;
  years_to_expiry: number;
  rate: number;
  atm_iv: number | null;
  rr25: number | null;
  bf25: number | null;
  skew_slope: number | null;
  svi_a: number | null;
  svi_b: number | null;
  svi_rho: number | null;
  svi_m: number | null;
  svi_s: number | null;
  fit_rmse: number | null;
  fit_points: number;
  butterfly_arbitrage: boolean | null;
  calendar_arbitrage: boolean | null;
  rebuilt: boolean;
}

const fromRecord = (x: VolSurfaceRecord): VolSurfaceRow => ({
  time: x.timestamp, underlyingSymbol: x.underlying_symbol, underlying: x.underlying, expiry: x.expiry,
  forward: x.forward, forwardSource: x.forward_source, forwardUncertainty: x.forward_uncertainty,
  underlyingPrice: x.underlying_price, yearsToExpiry: x.years_to_expiry, rate: x.rate, atmIv: x.atm_iv,
  rr25: x.rr25, bf25: x.bf25, skewSlope: x.skew_slope,
  svi: x.svi_a === null || x.svi_b === null || x.svi_rho === null || x.svi_m === null || x.svi_s === null
    ? null : { a: x.svi_a, b: x.svi_b, rho: x.svi_rho, m: x.svi_m, s: x.svi_s },
  fitRmse: x.fit_rmse, fitPoints: x.fit_points, butterflyArbitrage: x.butterfly_arbitrage, calendarArbitrage: x.calendar_arbitrage,
  rebuilt: x.rebuilt,
});

/**
 * Slices of one underlying over a KST calendar date (00:00–24:00 wall-clock), optionally one expiry, or only
 * those at one minute; ordered by time, then expiry.
 */
export async function readVolSurface(
  pool: pg.Pool,
  q: { underlying: string; date?: KstDate; time?: KstTime; expiry?: KstDate },
): Promise<VolSurfaceRow[]> {
  const where = ['underlying = $1'];
  const args: unknown[] = [q.underlying];
  if (q.date) {
    args.push(formatKst(startOfDate(q.date)), formatKst(startOfDate(addDays(q.date, 1))));
    where.push(`"timestamp" >= $${args.length - 1} AND "timestamp" < $${args.length}`);
  }
  if (q.time !== undefined) {
    args.push(formatKst(q.time));
    where.push(`"timestamp" = $${args.length}`);
  }
  if (q.expiry) {
    args.push(q.expiry);
    where.push(`expiry = $${args.length}`);
  }
  const r = await pool.query<VolSurfaceRecord>(
    `SELECT * FROM vol_surface WHERE ${where.join(' AND ')} ORDER BY "timestamp", expiry`,
    args,
  );
  return r.rows.map(fromRecord);
}

/** Sets the calendar-arbitrage flag of slices (by underlying symbol) at one minute. */
export async function setCalendarArbitrage(
  pool: pg.Pool,
  time: KstTime,
  flags: readonly { underlyingSymbol: string; calendarArbitrage: boolean | null }[],
): Promise<void> {
  if (flags.length === 0) return;
  await pool.query(
    `UPDATE vol_surface v SET calendar_arbitrage = f.flag
       FROM unnest($2::text[], $3::boolean[]) AS f(sym, flag)
      WHERE v.underlying_symbol = f.sym AND v."timestamp" = $1 AND v.calendar_arbitrage IS DISTINCT FROM f.flag`,
    [formatKst(time), flags.map((f) => f.underlyingSymbol), flags.map((f) => f.calendarArbitrage)],
  );
}
