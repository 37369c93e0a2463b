/**
 * ATM-relative option matrices from one option-board snapshot.
 *
 * - ATM is the listed strike nearest the forward; on an exact tie (forward halfway between two
 *   strikes) the LOWER strike wins, so the choice never flips on float noise in one direction only.
 * - The strike step is the grid spacing around ATM: the smaller gap from ATM to its listed neighbours
 *   (2.5 pt for near KOSPI200 months, wider for far months), unless the caller fixes it.
 * - Columns are ITM(N) … ITM(1), ATM, OTM(1) … OTM(N) from each option's own perspective:
 *   calls[i] is the strike ATM + (i − N)·step (ITM = lower strikes), puts[i] is ATM − (i − N)·step
 *   (ITM = higher strikes). A strike that is not listed, or a value KIS did not send, is null.
 * - IV is in percent, as KIS reports `hts_ints_vltl`. With `ivSource: 'black76'` the IV column is
 *   krtrade's own Black-76 IV on the forward (also in percent) instead of KIS's — one source per row,
 *   never mixed.
 */
import type { MatrixMetric, OptionChainRow, OptionMatrixRow } from '../db/types.js';
import { MATRIX_METRICS } from '../db/types.js';
import { impliedForward } from './forward.js';
import { impliedVol } from './implied-vol.js';
import { OptionInputError } from './types.js';

export type { OptionMatrixRow, MatrixMetric };

export interface MatrixOptions {
  /** N: strikes on each side of ATM (config `pipeline.optionMatrixStrikesPerSide`). */
  strikesPerSide: number;
  /** The forward (same-expiry future). Default: put–call parity on the snapshot, then the board's underlying price. */
  forward?: number;
  strikeStep?: number;
  metrics?: readonly MatrixMetric[];
  ivSource?: 'kis' | 'black76';
  /** Needed for `ivSource: 'black76'` and used by the parity forward: rate (decimal) and years to expiry. */
  rate?: number;
  yearsToExpiry?: number;
}

/** Strikes are compared on a 1e-6 grid: KIS sends them as decimal strings ("402.50"). */
const strikeKey = (k: number): number => Math.round(k * 1e6);

/** Listed strike nearest `forward`; ties go to the lower strike. */
export function atmStrike(strikes: readonly number[], forward: number): number {
  let best: number | undefined;
  for (const k of strikes) {
    if (best === undefined) best = k;
    else {
      const d = Math.abs(k - forward) - Math.abs(best - forward);
      if (d < -1e-9 || (Math.abs(d) <= 1e-9 && k < best)) best = k;
    }
  }
  if (best === undefined) throw new OptionInputError('option matrix: the snapshot lists no strikes');
  return best;
}

function gridStep(sorted: readonly number[], atm: number): number {
  const i = sorted.findIndex((k) => strikeKey(k) === strikeKey(atm));
  const gaps = [
    i > 0 ? atm - sorted[i - 1]! : Infinity,
    i < sorted.length - 1 ? sorted[i + 1]! - atm : Infinity,
  ];
  const step = Math.min(...gaps);
  if (!Number.isFinite(step))
    throw new OptionInputError('option matrix: need at least two listed strikes to know the strike step');
  return step;
}

function metricValue(row: OptionChainRow | undefined, metric: MatrixMetric): number | null {
  if (!row) return null;
  const v = metric === 'open_interest' ? row.openInterest : row[metric === 'iv' ? 'iv' : metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function snapshotForward(
  rows: readonly OptionChainRow[],
  opts: MatrixOptions,
  calls: Map<number, OptionChainRow>,
  puts: Map<number, OptionChainRow>,
): number {
  if (opts.forward !== undefined) {
    if (!(opts.forward > 0))
      throw new OptionInputError(`option matrix: forward must be > 0, got ${opts.forward}`);
    return opts.forward;
  }
  const quotes = [...calls.entries()].map(([key, c]) => ({
    strike: c.strike,
    call: c.price,
    put: puts.get(key)?.price,
  }));
  const parity = impliedForward(quotes, opts.rate ?? 0, opts.yearsToExpiry ?? 0);
  if (parity) return parity.forward;
  const underlying = rows
    .map((r) => r.underlyingPrice)
    .find((p): p is number => typeof p === 'number' && p > 0);
  if (underlying === undefined)
    throw new OptionInputError(
      'option matrix: no forward given, no call/put pair to imply one, and no underlying price',
    );
  return underlying;
}

/** One matrix row per metric from one snapshot (all rows must share `time` and `underlyingSymbol`). */
export function buildOptionMatrices(rows: readonly OptionChainRow[], opts: MatrixOptions): OptionMatrixRow[] {
  const n = opts.strikesPerSide;
  if (!Number.isInteger(n) || n < 1)
    throw new OptionInputError(`option matrix: strikesPerSide must be a positive integer, got ${n}`);
  if (rows.length === 0) throw new OptionInputError('option matrix: empty snapshot');
  const { time, underlyingSymbol } = rows[0]!;
  const calls = new Map<number, OptionChainRow>();
  const puts = new Map<number, OptionChainRow>();
  for (const r of rows) {
    if (r.time !== time || r.underlyingSymbol !== underlyingSymbol) {
      throw new OptionInputError(
        `option matrix: snapshot mixes ${underlyingSymbol}@${time} with ${r.underlyingSymbol}@${r.time} (${r.code})`,
      );
    }
    if (!(r.strike > 0)) throw new OptionInputError(`option matrix: ${r.code} has strike ${r.strike}`);
    (r.right === 'call' ? calls : puts).set(strikeKey(r.strike), r);
  }
  const strikes = [...new Set(rows.map((r) => r.strike))].sort((a, b) => a - b);
  const forward = snapshotForward(rows, opts, calls, puts);
  const atm = atmStrike(strikes, forward);
  const step = opts.strikeStep ?? gridStep(strikes, atm);
  if (!(step > 0)) throw new OptionInputError(`option matrix: strike step must be > 0, got ${step}`);

  const ownIv = opts.ivSource === 'black76' ? ownIvFn(forward, opts) : undefined;
  const metrics = opts.metrics ?? MATRIX_METRICS;
  return metrics.map((metric) => {
    const value = (row: OptionChainRow | undefined): number | null =>
      metric === 'iv' && ownIv ? ownIv(row) : metricValue(row, metric);
    const side = (map: Map<number, OptionChainRow>, dir: 1 | -1): (number | null)[] =>
      Array.from({ length: 2 * n + 1 }, (_, i) => value(map.get(strikeKey(atm + dir * (i - n) * step))));
    return {
      time,
      underlyingSymbol,
      metric,
      atmStrike: atm,
      strikeStep: step,
      calls: side(calls, 1),
      puts: side(puts, -1),
    };
  });
}

function ownIvFn(forward: number, opts: MatrixOptions): (row: OptionChainRow | undefined) => number | null {
  const { rate, yearsToExpiry } = opts;
  if (rate === undefined || yearsToExpiry === undefined) {
    throw new OptionInputError("option matrix: ivSource 'black76' needs rate and yearsToExpiry");
  }
  return (row) => {
    if (!row || typeof row.price !== 'number' || yearsToExpiry <= 0) return null;
    const res = impliedVol(row.price, forward, row.strike, yearsToExpiry, rate, row.right);
    return res.iv === null ? null : res.iv * 100;
  };
}

/** `KOSPI200:20261210`: the matrix symbol of an underlying and an expiry. */
export function matrixSymbol(underlying: string, expiry: string): string {
  const ymd = expiry.replaceAll('-', '');
  if (!/^[A-Z0-9]+$/.test(underlying) || !/^\d{8}$/.test(ymd)) {
    throw new OptionInputError(
      `matrix symbol needs an upper-case underlying and a YYYYMMDD expiry, got ${underlying}, ${expiry}`,
    );
  }
  return `${underlying}:${ymd}`;
}
