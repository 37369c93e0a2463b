/** Shared domain types for instruments and trading sessions. */
import type { KstDate, KstTime } from '../time/kst.js';

/** Session families of the calendar: KRX stocks, index-derivatives day session, night derivatives (NXT later). */
export type SessionProduct = 'stocks' | 'derivatives' | 'night';

export interface Session {
  product: SessionProduct;
  /** The trading date the session belongs to (a night session belongs to the next trading day). */
  tradingDate: KstDate;
  /**
   * Continuous trading start, and the official close = END of the closing call auction (stocks 15:30,
   * derivatives 15:45, night 06:00), KST wall-clock. Candle minutes: see `src/market/calendar/api.ts`.
   */
  open: KstTime;
  close: KstTime;
  /** Opening / closing call-auction windows, when the product has them. */
  openAuction?: { start: KstTime; end: KstTime };
  closeAuction?: { start: KstTime; end: KstTime };
  /** Why the session differs from a normal day (e.g. 'CSAT day', 'First trading day'). */
  note?: string;
}

/**
 * The price and volume part of any bar (candle, KIS chart row, simulator bar): prices in the
 * instrument's own units, volume in shares or contracts. Bar types extend it with what identifies them.
 */
export interface Ohlcv {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Why an option-board row has no implied volatility (stored in `option_chain_raw.iv_missing_reason`):
 * `no_trade` (nothing traded this session, so no price to solve from), `below_intrinsic` (the price is at
 * or below intrinsic value: no volatility reproduces it), `not_computed` (KIS sent none although it had a
 * price above intrinsic).
 */
export const IV_MISSING_REASONS = ['no_trade', 'below_intrinsic', 'not_computed'] as const;
export type IvMissingReason = (typeof IV_MISSING_REASONS)[number];

export type InstrumentKind = 'stock' | 'future' | 'call' | 'put';
/** Product family: which table family and rules apply. */
export type ProductFamily = 'stock' | 'kospi200' | 'mini' | 'kosdaq150';
export type OptionSeries = 'monthly' | 'weekly-thu' | 'weekly-mon';

export interface Instrument {
  /** KIS short code: stocks 6 chars, futures 6 (`A01612`, old `101W09`), options 9 (`B01612A48`). */
  code: string;
  kind: InstrumentKind;
  family: ProductFamily;
  name: string;
  /** Stocks: 'KOSPI' | 'KOSDAQ'. */
  market?: 'KOSPI' | 'KOSDAQ';
  /** Underlying index name (`KOSPI200`, `KOSDAQ150`) for derivatives. */
  underlying?: string;
  /** Last trading day (derivatives). */
  expiry?: KstDate;
  /** Option strike in index points (from the master file, never decoded from the code when ≥ 1000). */
  strike?: number;
  series?: OptionSeries;
  /** KRW per index point (derivatives) or 1 (stocks). */
  multiplier: number;
}
