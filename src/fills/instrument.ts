/**
 * What the fill model needs to know about a symbol: its tick ladder, its multiplier, the session family
 * whose minutes it trades in, and for stocks the market (for the tax). Decoded once per symbol from the
 * KIS code (src/market/instruments), never guessed from prices.
 */
import { multiplier, parseInstrumentCode, tickSize } from '../market/instruments/index.js';
import type { Instrument, SessionProduct } from '../market/types.js';
import type { StockMarket } from './costs.js';

export interface FillInstrument {
  symbol: string;
  instrument: Instrument;
  /** Won per point per contract (1 for stocks). */
  multiplier: number;
  /** Session families a candle of this symbol can belong to. */
  products: readonly SessionProduct[];
  /** Stocks only. */
  market?: StockMarket;
  /** ETF/ETN/ELW: no transaction tax. */
  taxExempt: boolean;
  tick(price: number): number;
  /** Rounds to the decimals of the finest tick (removes float noise such as 401.15000000000003). */
  round(price: number): number;
}

export interface InstrumentOptions {
  /** Market of a stock code (default KOSPI). */
  stockMarket?: (symbol: string) => StockMarket;
  /** Multiplier as of this date (default: the current contract specs). */
  asOf?: string;
}

export function describeInstrument(symbol: string, opts: InstrumentOptions = {}): FillInstrument {
  const instrument = parseInstrumentCode(symbol);
  const isStock = instrument.kind === 'stock';
  const decimals = isStock ? 0 : 2;
  const factor = 10 ** decimals;
  return {
    symbol,
    instrument,
    multiplier: isStock ? 1 : multiplier(instrument.family, instrument.kind, opts.asOf ?? '9999-12-31'),
    products: isStock ? ['stocks'] : ['derivatives', 'night'],
    ...(isStock ? { market: opts.stockMarket?.(symbol) ?? 'KOSPI' } : {}),
    taxExempt: isStock && symbol.startsWith('Q'),
    tick: (price) => tickSize(instrument, price),
    round: (price) => Math.round(price * factor) / factor,
  };
}
