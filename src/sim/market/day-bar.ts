/**
 * Daily bars without the day's trades. For liquid instruments (stocks, futures) the model fixes each day's
 * OHLCV in advance from cheap inputs — the daily series, the factor path's anchor values at session opens and
 * closes, and seeded draws for the range and volume — and the trade generator is made to hit exactly those
 * values (`day-target.ts`), so the bar equals the aggregate of the day's trades by construction.
 *
 * Range: the high and low of a Brownian bridge from open to close with the day's variance (exact sampling of
 * the bridge maximum: M = (o + c + √((c − o)² − 2σ² ln U)) / 2 in log price). Volume: the expected volume of the
 * generator's own intensity, times a log-normal day factor (bounded, so it always exceeds the trade count).
 */
import type { Instrument } from '../../market/types.js';
import type { KstDate, KstTime } from '../../time/kst.js';
import type { DayTarget } from './day-target.js';
import { anchorPath, previousDate, type FactorAnchors, type IndexName } from './factor-path.js';
import { AUCTION_SIZES, expectedLiquidTrades, snapToTick, type PriceGrid } from './generator.js';
import type { MarketCoreView } from './core-view.js';
import { futureFair, futureGrid, indexOf, stockGrid } from './prices.js';
import { Rng } from './rng.js';
import { tradeWindows, type TradeWindow } from './sessions.js';

/** Mean of a log-normal continuous-trade size relative to its median (σ = 0.9). */
const SIZE_MEAN = Math.exp(0.9 ** 2 / 2);
const VOLUME_DAY_SIGMA = 0.2;

export interface LiquidParams {
  rate: number;
  size: (price: number) => number;
  valuePerPoint: number;
}

/** Trade intensity and sizes of a liquid instrument on a date (undefined for options, which trade sparsely). */
export function liquidParams(
  core: MarketCoreView,
  instrument: Instrument,
  d: KstDate,
): LiquidParams | undefined {
  if (instrument.kind === 'stock') {
    const spec = core.registry.stockSpec(instrument.code)!;
    // At least 2 a trade, so the day's volume always exceeds its trade count (see VOLUME_DAY_SIGMA).
    return { rate: spec.tradeRate, size: (p) => Math.max(2, 2_500_000 / p), valuePerPoint: 1 };
  }
  if (instrument.kind !== 'future') return undefined;
  const days = (Date.parse(instrument.expiry!) - Date.parse(d)) / 86_400_000;
  const familyRate = instrument.family === 'kospi200' ? 2.2 : instrument.family === 'mini' ? 0.8 : 0.4;
  const size = instrument.family === 'kospi200' ? 2 : 4;
  return {
    rate: familyRate * (days < 95 ? 1 : days < 200 ? 0.08 : 0.02),
    size: () => size,
    valuePerPoint: instrument.multiplier,
  };
}

/**
 * Fair price of a liquid instrument at a window's open or close, from the anchors alone. A stock's own
 * (idiosyncratic) part is bridged from the previous date's daily value at the open to this date's at the close.
 */
function fairAtAnchor(
  core: MarketCoreView,
  instrument: Instrument,
  a: FactorAnchors,
  d: KstDate,
  t: KstTime,
  atClose: boolean,
): number {
  const name: IndexName = indexOf(instrument);
  const path = anchorPath(a, name, t);
  if (instrument.kind === 'future')
    return futureFair({ series: core.series, tradingDate: d, path }, name, instrument.expiry!, t);
  const spec = core.registry.stockSpec(instrument.code)!;
  const idio = spec.idioVol * core.series.noise('S:' + spec.code, atClose ? d : previousDate(core.cal, d));
  return Math.exp(Math.log(spec.basePrice) + spec.beta * path.x[0]! + idio);
}

function varianceBetween(a: FactorAnchors, name: IndexName, from: KstTime, to: KstTime): number {
  return Math.max(0, a.variance[name][a.times.indexOf(to)]! - a.variance[name][a.times.indexOf(from)]!);
}

/** The day's bar fixed in advance; undefined when the instrument does not trade that date or is not liquid. */
export function liquidDayTarget(
  core: MarketCoreView,
  instrument: Instrument,
  d: KstDate,
): DayTarget | undefined {
  const params = liquidParams(core, instrument, d);
  const windows: TradeWindow[] = tradeWindows(core.cal, instrument, d);
  const a = windows.length > 0 ? core.anchors(d) : undefined;
  if (!params || !a) return undefined;
  const base = core.basePrice(instrument, d);
  const grid: PriceGrid =
    instrument.kind === 'stock' ? stockGrid(instrument, base) : futureGrid(instrument, base);
  const first = windows[0]!.open;
  const last = windows[windows.length - 1]!.close;
  const open = snapToTick(grid, fairAtAnchor(core, instrument, a, d, first, false), 'round');
  const close = snapToTick(grid, fairAtAnchor(core, instrument, a, d, last, true), 'round');
  const name = indexOf(instrument);
  let variance = varianceBetween(a, name, first, last);
  if (instrument.kind === 'stock') {
    const spec = core.registry.stockSpec(instrument.code)!;
    variance = spec.beta ** 2 * variance + 0.7 * spec.idioVol ** 2;
  }
  const rng = Rng.of(core.seed, 'day-bar', instrument.code, d);
  const o = Math.log(open);
  const c = Math.log(close);
  const reach = (u: number): number => Math.sqrt((c - o) ** 2 - 2 * variance * Math.log(1 - u));
  const high = Math.max(open, close, snapToTick(grid, Math.exp((o + c + reach(rng.next())) / 2), 'ceil'));
  const low = Math.min(open, close, snapToTick(grid, Math.exp((o + c - reach(rng.next())) / 2), 'floor'));
  const size = params.size(close);
  const expected =
    expectedLiquidTrades(windows, params.rate) * size * SIZE_MEAN +
    windows.length * (AUCTION_SIZES.open + AUCTION_SIZES.close) * size * Math.exp(0.5 ** 2 / 2);
  const z = Math.max(-2, Math.min(2, rng.normal()));
  const volume = Math.round(expected * Math.exp(VOLUME_DAY_SIGMA * z));
  return { open, high, low, close, volume };
}
