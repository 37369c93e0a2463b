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

/** KOSPI/KOSDAQ/KONEX stock tick table in force since 2023-01-25. ETF/ETN/ELW (`etp`) trade in 5 KRW. */
export function stockTickSize(price: number, opts: { etp?: boolean } = {}): number {
  if (opts.etp) return 5;
  if (price < 2_000) return 1;
  if (price < 5_000) return 5;
  if (price < 20_000) return 10;
  if (price < 50_000) return 50;
  if (price < 200_000) return 100;
  if (price < 500_000) return 500;
  return 1_000;
}

const FUTURE_TICK: Record<Exclude<ProductFamily, 'stock'>, number> = {
  kospi200: 0.05,
  mini: 0.02,
  kosdaq150: 0.1,
};

/** Minimum price step at `price` (KRW for stocks, index points for derivatives). */
export function tickSize(instrument: Pick<Instrument, 'kind' | 'family' | 'code'>, price: number): number {
  const { kind, family } = instrument;
  if (kind === 'stock' || family === 'stock')
    return stockTickSize(price, { etp: instrument.code.startsWith('Q') });
  if (kind === 'future') return FUTURE_TICK[family];
  switch (family) {
    case 'kospi200':
      return price < 10 ? 0.01 : 0.05;
    case 'mini':
      // Three tiers since the 2016 refinement [reported, Eugene/Ajunews].
      return price < 3 ? 0.01 : price < 10 ? 0.02 : 0.05;
    case 'kosdaq150':
      return price < 50 ? 0.1 : 0.5;
  }
}
