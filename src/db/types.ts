/** Row types of the storage layer: what producers hand to `src/db/writer*.ts` and readers return. */
import type { KstDate, KstTime } from '../time/kst.js';
import type { Instrument, IvMissingReason, Ohlcv } from '../market/types.js';

/** A one-minute candle labelled by the start of its minute (KST wall-clock). */
export interface Candle extends Ohlcv {
  symbol: string;
  time: KstTime;
  openInterest?: number | null;
  /** The trading day the candle belongs to; default: the calendar date of `time` (wrong for night candles). */
  tradingDate?: KstDate;
}

/** One realtime trade. `cumVolume` (누적거래량) identifies the trade within its session. */
export interface Tick {
  symbol: string;
  time: KstTime;
  tradingDate: KstDate;
  price: number;
  volume: number;
  cumVolume: number;
  side?: 'buy' | 'sell' | null;
  openInterest?: number | null;
}

/** An order-book snapshot; arrays are best level first. */
export interface Quote {
  symbol: string;
  time: KstTime;
  tradingDate: KstDate;
  askPrices: number[];
  askSizes: number[];
  bidPrices: number[];
  bidSizes: number[];
  totalAskSize?: number | null;
  totalBidSize?: number | null;
  /** Ordinal among snapshots of the same symbol and second (migration 0008); default 0. */
  seq?: number;
}

/**
 * One strike of one option-board snapshot with KIS's own IV and greeks. A value KIS did not have is null
 * (never 0): `price` null = no trade this session, `bid`/`ask` null = that side of the book is empty,
 * `iv` null with `ivMissingReason` saying why, greeks null = KIS computed none.
 */
export interface OptionChainRow {
  time: KstTime;
  code: string;
  /** `<UNDERLYING>:<expiry YYYYMMDD>`, e.g. `KOSPI200:20261210`. */
  underlyingSymbol: string;
  expiry?: KstDate | null;
  strike: number;
  right: 'call' | 'put';
  price?: number | null;
  bid?: number | null;
  ask?: number | null;
  volume?: number | null;
  openInterest?: number | null;
  iv?: number | null;
  ivMissingReason?: IvMissingReason | null;
  delta?: number | null;
  gamma?: number | null;
  theta?: number | null;
  vega?: number | null;
  underlyingPrice?: number | null;
  /** krtrade's own Black-76 values (src/options/board-analytics.ts): IV in percent, null with the reason. */
  ownIv?: number | null;
  ownIvMissingReason?: string | null;
  ownDelta?: number | null;
  ownGamma?: number | null;
  ownTheta?: number | null;
  ownVega?: number | null;
  /** The forward (index points) and years to expiry the own values used. */
  forward?: number | null;
  yearsToExpiry?: number | null;
  /** Rebuilt after the fact from per-strike candles (src/repair/boards-rebuild.ts), not a board KIS sent. */
  rebuilt?: boolean;
}

export const MATRIX_METRICS = [
  'iv',
  'delta',
  'gamma',
  'theta',
  'vega',
  'price',
  'volume',
  'open_interest',
] as const;
export type MatrixMetric = (typeof MATRIX_METRICS)[number];

/**
 * One metric of an ATM-relative option matrix. `calls` and `puts` have length 2N+1, ordered
 * ITM(N) … ITM(1), ATM, OTM(1) … OTM(N) from each option's own perspective: for calls ITM are the lower
 * strikes (calls[0] = atmStrike − N·step), for puts ITM are the higher ones (puts[0] = atmStrike + N·step).
 */
export interface OptionMatrixRow {
  time: KstTime;
  /** `<UNDERLYING>:<expiry YYYYMMDD>`, so monthly and weekly matrices of one underlying coexist. */
  underlyingSymbol: string;
  metric: MatrixMetric;
  atmStrike: number;
  strikeStep: number;
  calls: (number | null)[];
  puts: (number | null)[];
  /** The forward the ATM strike was chosen on, the index level, the years to expiry used; null = unknown. */
  forward?: number | null;
  underlyingPrice?: number | null;
  yearsToExpiry?: number | null;
  /** Whose IV and greeks the iv/delta/gamma/theta/vega rows carry: `own` (Black-76) or `kis`. */
  greeksSource?: 'own' | 'kis' | null;
}

export interface Signal {
  strategy: string;
  time: KstTime;
  symbol: string;
  kind: string;
  value: number | null;
  payload?: Record<string, unknown>;
}

export interface SystemStatus {
  component: string;
  status: string;
  message?: string;
  dataCount?: number | null;
  lastDataTime?: KstTime | null;
  /** Default: the database's current KST time. Pass the Clock's time under simulated time. */
  updatedAt?: KstTime;
}

export interface DataQualityRow {
  instrument: string;
  tradingDate: KstDate;
  expected: number;
  actual: number;
  /** Start times of the expected candles that are missing. */
  missingMinutes: KstTime[];
  checkedAt?: KstTime;
}

/** An instrument as stored: the shared type plus listing facts. */
export interface InstrumentRecord extends Instrument {
  tickSize?: number | null;
  listed?: boolean;
  expired?: boolean;
}

export interface WriteResult {
  /** New keys. */
  inserted: number;
  /** Existing keys whose values changed. */
  updated: number;
  /** Existing keys written again with identical values (nothing was rewritten). */
  unchanged: number;
  /** Rows refused by validation (recorded in `rejected_rows`). */
  rejected: number;
  /** Rows dropped because a later row in the same batch had the same key (last wins). */
  duplicates: number;
}
