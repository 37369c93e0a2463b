/**
 * The intraday path of the two indices' log-levels on one trading date, at 1-second resolution over
 * every session of that date (night, derivatives day, stocks). Stocks, futures and options are all
 * functions of this path, which keeps them mutually consistent (basis, put–call parity, betas).
 *
 * The path is a variance-weighted Brownian bridge from the previous trading day's close to this date's
 * daily value (random-access, see `daily.ts`), pinned at the stocks close (the index close), then a
 * free walk until the derivatives close. Volatility is U-shaped over the stock session, lower in the
 * derivatives-only minutes and at night, and zero outside sessions (the path is flat there).
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import { addDays, weekday, type KstDate, type KstTime } from '../../time/kst.js';
import type { DailySeries } from './daily.js';
import { Rng } from './rng.js';
import { dateSpan } from './sessions.js';
import { INDICES, KOSDAQ_LOADING } from './universe.js';

export type IndexName = 'KOSPI200' | 'KOSDAQ150';

export interface FactorPath {
  date: KstDate;
  start: KstTime;
  /** Log deviation from the index's base level, per second from `start`. */
  x: Float64Array;
  /** Daily values this path bridges between. */
  prevX: number;
  closeX: number;
  stocksOpen?: KstTime;
  stocksClose?: KstTime;
}

/** Fraction of daily variance spent inside the stock session (the rest is overnight gap + night). */
const INTRADAY_SHARE = 0.7;
const STOCK_SECONDS = 6.5 * 3600;

/** The previous trading date, or the previous weekday outside the calendar's data. */
export function previousDate(cal: TradingCalendar, d: KstDate): KstDate {
  const p = addDays(d, -1);
  if (cal.covers(p)) return cal.previousTradingDay(d);
  let x = p;
  while (weekday(x) === 0 || weekday(x) === 6) x = addDays(x, -1);
  return x;
}

/** The index's daily log deviation on a date (KOSDAQ150 loads on KOSPI200's noise). */
export function dailyIndexX(series: DailySeries, name: IndexName, d: KstDate): number {
  const k = series.noise('KOSPI200', d);
  if (name === 'KOSPI200') return INDICES.KOSPI200.dailyVol * k;
  const own = series.noise('KOSDAQ150', d);
  return INDICES.KOSDAQ150.dailyVol * (KOSDAQ_LOADING * k + Math.sqrt(1 - KOSDAQ_LOADING ** 2) * own);
}

/** Per-second volatility multipliers (mean ≈ 1 over the stock session). */
function volShape(cal: TradingCalendar, date: KstDate, start: KstTime, n: number): Float32Array {
  const shape = new Float32Array(n);
  for (const s of cal.sessionsOn(date)) {
    const a = Math.max(0, (s.open - start) / 1000);
    const b = Math.min(n, (s.close - start) / 1000 + 1);
    const len = b - a;
    for (let i = a; i < b; i++) {
      const u = (i - a) / len;
      const v =
        s.product === 'stocks'
          ? 0.62 + 1.6 * Math.exp(-u / 0.05) + 0.9 * Math.exp(-(1 - u) / 0.05)
          : s.product === 'night'
            ? 0.35
            : 0.55;
      // Where sessions overlap (derivatives span the stock session) the stock shape wins.
      if (s.product === 'stocks' || shape[i] === 0) shape[i] = v;
    }
  }
  return shape;
}

/** Builds both indices' paths for a trading date; undefined when nothing trades that date. */
export function buildFactorPaths(
  seed: number,
  cal: TradingCalendar,
  series: DailySeries,
  date: KstDate,
): Record<IndexName, FactorPath> | undefined {
  const span = dateSpan(cal, date);
  if (!span) return undefined;
  const n = (span.end - span.start) / 1000 + 1;
  const pin = Math.min(n - 1, ((span.stocksClose ?? span.end) - span.start) / 1000);
  const shape = volShape(cal, date, span.start, n);
  const rng = Rng.of(seed, 'factor', date);
  const zk = new Float64Array(n);
  const zq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (shape[i] === 0) continue;
    const a = rng.normal();
    zk[i] = a;
    zq[i] = KOSDAQ_LOADING * a + Math.sqrt(1 - KOSDAQ_LOADING ** 2) * rng.normal();
  }
  const prev = previousDate(cal, date);
  const out = {} as Record<IndexName, FactorPath>;
  for (const name of ['KOSPI200', 'KOSDAQ150'] as const) {
    const sigma = INDICES[name].dailyVol * Math.sqrt(INTRADAY_SHARE / STOCK_SECONDS);
    const z = name === 'KOSPI200' ? zk : zq;
    const prevX = dailyIndexX(series, name, prev);
    const closeX = dailyIndexX(series, name, date);
    // Free walk W and its cumulative variance V; then bridge so that x[pin] = closeX exactly.
    const x = new Float64Array(n);
    const cumVar = new Float64Array(n);
    let w = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const s = sigma * shape[i]!;
      w += s * z[i]!;
      v += s * s;
      x[i] = w;
      cumVar[i] = v;
    }
    const wPin = x[pin]!;
    const vPin = cumVar[pin]! || 1;
    const gap = closeX - prevX - wPin;
    for (let i = 0; i < n; i++) {
      x[i] = i <= pin ? prevX + x[i]! + (gap * cumVar[i]!) / vPin : closeX + x[i]! - wPin;
    }
    const path: FactorPath = { date, start: span.start, x, prevX, closeX };
    const stocks = cal.session('stocks', date);
    if (stocks) {
      path.stocksOpen = stocks.open;
      path.stocksClose = stocks.close;
    }
    out[name] = path;
  }
  return out;
}

/** The path value at a wall-clock time (clamped to the path's span). */
export function pathX(p: FactorPath, t: KstTime): number {
  const i = Math.floor((t - p.start) / 1000);
  return p.x[i < 0 ? 0 : i >= p.x.length ? p.x.length - 1 : i]!;
}
