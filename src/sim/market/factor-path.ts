/**
 * The intraday path of the two indices' log-levels on one trading date, at 1-second resolution over
 * every session of that date (night, derivatives day, stocks). Stocks, futures and options are all
 * functions of this path, which keeps them mutually consistent (basis, put–call parity, betas).
 *
 * The path is a variance-weighted Brownian bridge from the previous trading day's close to this date's
 * daily value (random-access, see `daily.ts`), pinned at the stocks close (the index close), then a
 * free walk until the derivatives close. It passes exactly through cheap anchor values at every session's
 * open and close (`factorAnchors`), so daily bars can be priced without building the path. Volatility is U-shaped over the stock session, lower in the
 * derivatives-only minutes and at night, and zero outside sessions (the path is flat there).
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import { addDays, formatKst, weekday, type KstDate, type KstTime } from '../../time/kst.js';
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

/**
 * The path's values at a few anchor times (every session's open and close, the expiring-series close), drawn
 * cheaply — without the per-second path — as a Brownian bridge from the previous close to the stocks-close pin
 * and a free walk after it. The full path passes exactly through them, so opening and closing prices (and
 * the daily bars built on them) need no per-second path.
 */
export interface FactorAnchors {
  date: KstDate;
  start: KstTime;
  /** Per-second samples of the path (the span's length). */
  n: number;
  /** Anchor times, ascending, and their second indices from `start`. */
  times: KstTime[];
  index: number[];
  /** Per index: cumulative path variance at each anchor, and the anchored value. */
  variance: Record<IndexName, number[]>;
  x: Record<IndexName, number[]>;
  prevX: Record<IndexName, number>;
  closeX: Record<IndexName, number>;
}

const sigmaOf = (name: IndexName): number =>
  INDICES[name].dailyVol * Math.sqrt(INTRADAY_SHARE / STOCK_SECONDS);

/** Cumulative Σ shape² per second (times σ² gives the path's variance). */
function cumulativeShape2(shape: Float32Array): Float64Array {
  const out = new Float64Array(shape.length);
  let v = 0;
  for (let i = 0; i < shape.length; i++) {
    v += shape[i]! * shape[i]!;
    out[i] = v;
  }
  return out;
}

interface SpanShape {
  start: KstTime;
  n: number;
  pin: number;
  shape: Float32Array;
  cum2: Float64Array;
}

function spanShape(cal: TradingCalendar, date: KstDate): SpanShape | undefined {
  const span = dateSpan(cal, date);
  if (!span) return undefined;
  const n = (span.end - span.start) / 1000 + 1;
  const pin = Math.min(n - 1, ((span.stocksClose ?? span.end) - span.start) / 1000);
  // Most dates share a session layout relative to their start: reuse its shape (read-only).
  const layout = cal
    .sessionsOn(date)
    .map((s) => `${s.product}:${s.open - span.start}:${s.close - span.start}`)
    .join('|');
  let memo = shapeMemo.get(layout);
  if (!memo) {
    const shape = volShape(cal, date, span.start, n);
    memo = { shape, cum2: cumulativeShape2(shape) };
    if (shapeMemo.size > 64) shapeMemo.clear();
    shapeMemo.set(layout, memo);
  }
  return { start: span.start, n, pin, ...memo };
}

const shapeMemo = new Map<string, { shape: Float32Array; cum2: Float64Array }>();

function anchorsOf(
  seed: number,
  cal: TradingCalendar,
  series: DailySeries,
  date: KstDate,
  sp: SpanShape,
): FactorAnchors {
  const set = new Set<number>([sp.pin]);
  const sessions = [...cal.sessionsOn(date)];
  const expiring = cal.session('derivatives', date, { expiring: true });
  if (expiring) sessions.push(expiring);
  for (const s of sessions)
    for (const t of [s.open, s.close]) {
      const i = (t - sp.start) / 1000;
      if (i >= 0 && i < sp.n) set.add(i);
    }
  const index = [...set].sort((a, b) => a - b);
  const prev = previousDate(cal, date);
  const rng = Rng.of(seed, 'anchors', date);
  const out: FactorAnchors = {
    date,
    start: sp.start,
    n: sp.n,
    times: index.map((i) => (sp.start + i * 1000) as KstTime),
    index,
    variance: { KOSPI200: [], KOSDAQ150: [] },
    x: { KOSPI200: [], KOSDAQ150: [] },
    prevX: {
      KOSPI200: dailyIndexX(series, 'KOSPI200', prev),
      KOSDAQ150: dailyIndexX(series, 'KOSDAQ150', prev),
    },
    closeX: {
      KOSPI200: dailyIndexX(series, 'KOSPI200', date),
      KOSDAQ150: dailyIndexX(series, 'KOSDAQ150', date),
    },
  };
  const last = { KOSPI200: { v: 0, x: out.prevX.KOSPI200 }, KOSDAQ150: { v: 0, x: out.prevX.KOSDAQ150 } };
  for (const i of index) {
    const a = rng.normal();
    const z = {
      KOSPI200: a,
      KOSDAQ150: KOSDAQ_LOADING * a + Math.sqrt(1 - KOSDAQ_LOADING ** 2) * rng.normal(),
    };
    for (const name of ['KOSPI200', 'KOSDAQ150'] as const) {
      const s2 = sigmaOf(name) ** 2;
      const v = s2 * sp.cum2[i]!;
      const vPin = s2 * sp.cum2[sp.pin]!;
      const from = last[name];
      let x: number;
      if (i === sp.pin) x = out.closeX[name];
      else if (i < sp.pin && vPin > from.v) {
        // Brownian bridge from (from.v, from.x) to (vPin, closeX), sampled at v.
        const w = (v - from.v) / (vPin - from.v);
        x =
          from.x + (out.closeX[name] - from.x) * w + Math.sqrt(Math.max(0, (v - from.v) * (1 - w))) * z[name];
      } else x = from.x + Math.sqrt(Math.max(0, v - from.v)) * z[name];
      out.variance[name].push(v);
      out.x[name].push(x);
      last[name] = { v, x };
    }
  }
  return out;
}

/** Anchor values of a trading date (cheap: no per-second randomness); undefined when nothing trades. */
export function factorAnchors(
  seed: number,
  cal: TradingCalendar,
  series: DailySeries,
  date: KstDate,
): FactorAnchors | undefined {
  const sp = spanShape(cal, date);
  return sp && anchorsOf(seed, cal, series, date, sp);
}

/** A one-point path holding an anchor's value, for pricing functions that read a path at that time. */
export function anchorPath(a: FactorAnchors, name: IndexName, t: KstTime): FactorPath {
  const k = a.times.indexOf(t);
  if (k < 0) throw new RangeError(`${formatKst(t)} is not an anchor time of ${a.date}`);
  return {
    date: a.date,
    start: t,
    x: Float64Array.of(a.x[name][k]!),
    prevX: a.prevX[name],
    closeX: a.closeX[name],
  };
}

/** Builds both indices' paths for a trading date through its anchors; undefined when nothing trades that date. */
export function buildFactorPaths(
  seed: number,
  cal: TradingCalendar,
  series: DailySeries,
  date: KstDate,
  anchors?: FactorAnchors,
): Record<IndexName, FactorPath> | undefined {
  const sp = spanShape(cal, date);
  if (!sp) return undefined;
  const a = anchors ?? anchorsOf(seed, cal, series, date, sp);
  const { n, shape } = sp;
  const rng = Rng.of(seed, 'factor', date);
  const zk = new Float64Array(n);
  const zq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (shape[i] === 0) continue;
    const g = rng.normal();
    zk[i] = g;
    zq[i] = KOSDAQ_LOADING * g + Math.sqrt(1 - KOSDAQ_LOADING ** 2) * rng.normal();
  }
  const out = {} as Record<IndexName, FactorPath>;
  for (const name of ['KOSPI200', 'KOSDAQ150'] as const) {
    const sigma = sigmaOf(name);
    const z = name === 'KOSPI200' ? zk : zq;
    // Free walk W; then a bridge on each stretch between anchors so that x hits every anchor exactly.
    const w = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += sigma * shape[i]! * z[i]!;
      w[i] = acc;
    }
    const x = new Float64Array(n);
    const s2 = sigma * sigma;
    let i0 = -1;
    let w0 = 0;
    let v0 = 0;
    let x0 = a.prevX[name];
    for (let k = 0; k <= a.index.length; k++) {
      const end = k < a.index.length ? a.index[k]! : n - 1;
      const anchored = k < a.index.length;
      const v1 = anchored ? a.variance[name][k]! : 0;
      const gap = anchored ? a.x[name][k]! - x0 - (w[end]! - w0) : 0;
      const span = v1 - v0;
      for (let i = i0 + 1; i <= end; i++) {
        const f = !anchored ? 0 : span > 0 ? (s2 * sp.cum2[i]! - v0) / span : 1;
        x[i] = x0 + (w[i]! - w0) + gap * f;
      }
      if (anchored) x[end] = a.x[name][k]!;
      i0 = end;
      w0 = w[end]!;
      v0 = v1;
      x0 = x[end]!;
    }
    const path: FactorPath = { date, start: sp.start, x, prevX: a.prevX[name], closeX: a.closeX[name] };
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
