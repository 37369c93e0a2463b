/**
 * Fair (unrounded) prices of every instrument as functions of the trading date's factor path, plus the
 * daily anchors (closes and settlements) that make each day start where the previous one ended.
 */
import { tickSize } from '../../market/instruments/index.js';
import type { Instrument } from '../../market/types.js';
import type { KstDate, KstTime } from '../../time/kst.js';
import type { DailySeries } from './daily.js';
import { dailyIndexX, pathX, type FactorPath, type IndexName } from './factor-path.js';
import { snapToTick, type PriceGrid } from './generator.js';
import { carryFactor, expiryTerms, fairOptionPrice, modelVol, tauOf } from './pricing.js';
import { Rng } from './rng.js';
import { INDICES, type StockSpec } from './universe.js';

export const indexOf = (i: Instrument): IndexName =>
  i.family === 'kosdaq150' || i.market === 'KOSDAQ' ? 'KOSDAQ150' : 'KOSPI200';

export const indexLevelFromX = (name: IndexName, x: number): number =>
  Math.round(INDICES[name].baseLevel * Math.exp(x) * 100) / 100;

export function stockLogPrice(series: DailySeries, spec: StockSpec, d: KstDate): number {
  const idx = dailyIndexX(series, spec.market === 'KOSPI' ? 'KOSPI200' : 'KOSDAQ150', d);
  return Math.log(spec.basePrice) + spec.beta * idx + spec.idioVol * series.noise('S:' + spec.code, d);
}

/** Stock limit grid around a base price: ±30 %, on the tick table. */
export function stockGrid(instrument: Instrument, base: number): PriceGrid {
  const tick = (p: number): number => tickSize(instrument, p);
  const loose: PriceGrid = { tick, upper: Infinity, lower: 0, floor: 1 };
  return {
    tick,
    upper: snapToTick(loose, base * 1.3, 'floor'),
    lower: snapToTick(loose, base * 0.7, 'ceil'),
    floor: 1,
  };
}

export function futureGrid(instrument: Instrument, base: number): PriceGrid {
  const tick = (p: number): number => tickSize(instrument, p);
  const loose: PriceGrid = { tick, upper: Infinity, lower: 0, floor: tick(base) };
  // Tier 1 of the 8/15/20 % limits: the only tier in the night session and the early minutes.
  return {
    tick,
    upper: snapToTick(loose, base * 1.08, 'floor'),
    lower: snapToTick(loose, base * 0.92, 'ceil'),
    floor: tick(base),
  };
}

/** A stock's intraday idiosyncratic log-path over its session: a bridge between the daily values. */
export function stockIdioPath(
  seed: number,
  series: DailySeries,
  spec: StockSpec,
  date: KstDate,
  prev: KstDate,
  seconds: number,
): Float64Array {
  const rng = Rng.of(seed, 'idio', spec.code, date);
  const a = spec.idioVol * series.noise('S:' + spec.code, prev);
  const b = spec.idioVol * series.noise('S:' + spec.code, date);
  const sigma = spec.idioVol * Math.sqrt(0.7 / 23_400);
  const x = new Float64Array(seconds + 1);
  for (let i = 1; i <= seconds; i++) x[i] = x[i - 1]! + sigma * rng.normal();
  const end = x[seconds]!;
  for (let i = 0; i <= seconds; i++) x[i] = a + x[i]! + ((b - a - end) * i) / seconds;
  return x;
}

export interface OptionContext {
  series: DailySeries;
  tradingDate: KstDate;
  path: FactorPath;
}

/** Spot-equivalent index level on the path (the index itself only prints during the stock session). */
export const pathLevel = (path: FactorPath, name: IndexName, t: KstTime): number =>
  INDICES[name].baseLevel * Math.exp(pathX(path, t));

export function futureFair(ctx: OptionContext, name: IndexName, expiry: KstDate, t: KstTime): number {
  return pathLevel(ctx.path, name, t) * carryFactor(ctx.series, ctx.tradingDate, t, expiry);
}

export interface OptionFair {
  price: number;
  forward: number;
  vol: number;
  tau: number;
  rate: number;
}

export function optionFair(ctx: OptionContext, instrument: Instrument, t: KstTime): OptionFair {
  const terms = expiryTerms(ctx.series, ctx.tradingDate, instrument.expiry!);
  const tau = tauOf(terms, t);
  const forward = pathLevel(ctx.path, 'KOSPI200', t) * (1 + terms.rate * tau - terms.dividends);
  const vol = modelVol(
    { atmVol: terms.atmVol, move: pathX(ctx.path, t) - ctx.path.prevX },
    forward,
    instrument.strike!,
    tau,
  );
  const right = instrument.kind === 'call' ? 'call' : 'put';
  return {
    price: fairOptionPrice(forward, instrument.strike!, tau, terms.rate, vol, right),
    forward,
    vol,
    tau,
    rate: terms.rate,
  };
}

export function optionGrid(instrument: Instrument, upper: number): PriceGrid {
  return { tick: (p: number) => tickSize(instrument, p), upper, lower: 0.01, floor: 0.01 };
}
