/** Contract specs that depend only on product and date: multipliers and tick sizes. */
import type { KstDate } from '../../time/kst.js';
import type { Instrument, InstrumentKind, ProductFamily } from '../types.js';

/** KOSPI200 and mini products were halved on this date (250,000 / 50,000 KRW per point). */
export const MULTIPLIER_HALVING = '2017-03-27';
/** KOSPI200 options listed from this date used 500,000 KRW (100,000 before). */
export const OPTION_MULTIPLIER_RAISE = '2012-03-09';

/** KRW per index point (derivatives) or 1 (stocks), as of `date`. */
export function multiplier(family: ProductFamily, kind: InstrumentKind, date: KstDate | string): number {
  switch (family) {
    case 'stock':
      return 1;
    case 'kosdaq150':
      return 10_000;
    case 'mini':
      return date < MULTIPLIER_HALVING ? 100_000 : 50_000;
    case 'kospi200':
      if (date >= MULTIPLIER_HALVING) return 250_000;
      if (kind === 'future') return 500_000;
      // Options: series listed before 2012-03-09 kept 100,000 until they expired; by date this is approximate.
      return date < OPTION_MULTIPLIER_RAISE ? 100_000 : 500_000;
  }
}

/** A tick table: `[below, tick]` tiers in ascending order; a price below `below` trades in `tick`. */
type TickTiers = readonly (readonly [below: number, tick: number])[];
type DerivativeFamily = Exclude<ProductFamily, 'stock'>;

/** KOSPI/KOSDAQ/KONEX stock tick table in force since 2023-01-25. */
const STOCK_TICKS: TickTiers = [
  [2_000, 1],
  [5_000, 5],
  [20_000, 10],
  [50_000, 50],
  [200_000, 100],
  [500_000, 500],
  [Infinity, 1_000],
];
/** ETF/ETN/ELW (`etp`) trade in 5 KRW. */
const ETP_TICK = 5;

const FUTURE_TICK: Record<DerivativeFamily, number> = {
  kospi200: 0.05,
  mini: 0.02,
  kosdaq150: 0.1,
};

const OPTION_TICKS: Record<DerivativeFamily, TickTiers> = {
  kospi200: [
    [10, 0.01],
    [Infinity, 0.05],
  ],
  // Three tiers since the 2016 refinement [reported, Eugene/Ajunews].
  mini: [
    [3, 0.01],
    [10, 0.02],
    [Infinity, 0.05],
  ],
  kosdaq150: [
    [50, 0.1],
    [Infinity, 0.5],
  ],
};

// A price that compares with nothing (NaN) falls to the last tier, as the old if-chains did.
const tierTick = (tiers: TickTiers, price: number): number =>
  (tiers.find(([below]) => price < below) ?? tiers.at(-1)!)[1];

/** KOSPI/KOSDAQ/KONEX stock tick size at `price`; ETF/ETN/ELW (`etp`) trade in 5 KRW. */
export function stockTickSize(price: number, opts: { etp?: boolean } = {}): number {
  return opts.etp ? ETP_TICK : tierTick(STOCK_TICKS, price);
}

/** Minimum price step at `price` (KRW for stocks, index points for derivatives). */
export function tickSize(instrument: Pick<Instrument, 'kind' | 'family' | 'code'>, price: number): number {
  const { kind, family } = instrument;
  if (kind === 'stock' || family === 'stock')
    return stockTickSize(price, { etp: instrument.code.startsWith('Q') });
  if (kind === 'future') return FUTURE_TICK[family];
  return tierTick(OPTION_TICKS[family], price);
}

/** Decimal places of a tick size: 0.05 → 2, 0.1 → 1, 5 → 0. */
export function tickDecimals(tick: number): number {
  let d = 0;
  while (d < 8 && Math.abs(Math.round(tick * 10 ** d) - tick * 10 ** d) > 1e-9) d++;
  return d;
}

const maxDecimals = (ticks: readonly number[]): number => Math.max(0, ...ticks.map(tickDecimals));
const familyTicks = (f: DerivativeFamily): number[] => [FUTURE_TICK[f], ...OPTION_TICKS[f].map(([, t]) => t)];
const PRICE_DECIMALS: Record<ProductFamily, number> = {
  stock: maxDecimals([ETP_TICK, ...STOCK_TICKS.map(([, t]) => t)]),
  kospi200: maxDecimals(familyTicks('kospi200')),
  mini: maxDecimals(familyTicks('mini')),
  kosdaq150: maxDecimals(familyTicks('kosdaq150')),
};

/**
 * Decimal places that show every price of a family exactly, from its tick tables: the finest tick of its
 * futures and options (strikes and the underlying index share them). Stocks 0 (whole won), KOSPI200 and
 * mini 2, KOSDAQ150 1. Without a family (an unrecognised code): the finest of all families.
 */
export function priceDecimals(family?: ProductFamily): number {
  return family ? PRICE_DECIMALS[family] : Math.max(...Object.values(PRICE_DECIMALS));
}
