/** Typed results of the KIS REST endpoints. Prices in the instrument's units, times KST wall-clock. */
import type { KstDate, KstTime } from '../time/kst.js';
import type { IvMissingReason, Ohlcv } from '../market/types.js';
import type { Row } from './fields.js';

/** Stock market divisions: KRX, Nextrade, integrated. */
export type StockMarket = 'J' | 'NX' | 'UN';
/** F/O market divisions: index futures/options, stock futures/options, commodity, night futures/options. */
export type FoMarket = 'F' | 'O' | 'JF' | 'JO' | 'CF' | 'CM' | 'EU';
export type KisMarket = StockMarket | FoMarket;

export const STOCK_MARKETS: readonly StockMarket[] = ['J', 'NX', 'UN'];
export const FO_MARKETS: readonly FoMarket[] = ['F', 'O', 'JF', 'JO', 'CF', 'CM', 'EU'];
export const isStockMarket = (m: KisMarket): m is StockMarket => (STOCK_MARKETS as readonly string[]).includes(m);

/** A 1-minute bar labelled by its minute START (KIS's `stck_cntg_hour`). */
export interface MinuteBar extends Ohlcv {
  code: string;
  time: KstTime;
  /** Cumulative traded value of the day at the bar's end in won (KIS `acml_tr_pbmn`, converted), when sent. */
  cumValue?: number;
}

/** A daily (or weekly/monthly/yearly) bar. */
export interface PeriodBar extends Ohlcv {
  code: string;
  date: KstDate;
  /** Traded value of the period in won (KIS `acml_tr_pbmn`, converted). */
  value?: number;
}

export type Period = 'D' | 'W' | 'M' | 'Y';

interface QuoteCommon {
  code: string;
  name?: string;
  price: number;
  change: number;
  /** KIS sign code: 1 upper limit, 2 up, 3 flat, 4 lower limit, 5 down. */
  changeSign?: string;
  changeRate: number;
  open: number;
  high: number;
  low: number;
  upperLimit?: number;
  lowerLimit?: number;
  basePrice?: number;
  volume: number;
  /** Traded value of the day so far in won (KIS `acml_tr_pbmn`, converted from KIS's unit). */
  value?: number;
  /** Every layout field of the main block, typed (numbers, dates; money in won) — for what the summary leaves out. */
  fields: Row;
}

export type StockQuote = QuoteCommon;

export interface Greeks {
  delta?: number;
  gamma?: number;
  theta?: number;
  vega?: number;
  rho?: number;
}

export interface FoQuote extends QuoteCommon {
  prevClose?: number;
  openInterest?: number;
  openInterestChange?: number;
  theoretical?: number;
  lastTradingDate?: KstDate;
  daysToExpiry?: number;
  strike?: number;
  /** Implied volatility in percent (`hts_ints_vltl`). */
  iv?: number;
  greeks: Greeks;
}

export type OptionSeriesParam = 'monthly' | 'weekly-thu' | 'weekly-mon';
export type OptionFamily = 'kospi200' | 'mini' | 'kosdaq150';

export interface OptionBoardRow {
  code: string;
  strike: number;
  /** Last trade of this session; undefined when nothing traded (KIS then shows the base price). */
  price?: number;
  change?: number;
  bid?: number;
  ask?: number;
  volume?: number;
  openInterest?: number;
  iv?: number;
  /** Why `iv` is undefined. */
  ivMissing?: IvMissingReason;
  greeks: Greeks;
  theoretical?: number;
  intrinsic?: number;
  timeValue?: number;
  atm?: string;
  fields: Row;
}

export interface OptionBoard {
  /** `FID_MTRT_CNT` as sent: `YYYYMM` (monthly) or `YYMMWW` (weekly). */
  expiry: string;
  series: OptionSeriesParam;
  family: OptionFamily;
  /** Highest strike first, as KIS returns them. */
  calls: OptionBoardRow[];
  puts: OptionBoardRow[];
}

export interface OptionExpiry {
  /** KIS maturity code, e.g. `0V05`, `0612`. */
  code: string;
  /** `YYYYMM`. */
  month: string;
}

export interface FuturesBoardRow {
  code: string;
  name?: string;
  price: number;
  change?: number;
  volume?: number;
  openInterest?: number;
  theoretical?: number;
  daysToExpiry?: number;
  fields: Row;
}

/** The [0503] top bar: the underlying index next to one of its futures. */
export interface UnderlyingBar {
  futureCode: string;
  /** Underlying index level (`unas_prpr`), e.g. KOSPI200. */
  index?: number;
  futurePrice?: number;
  name?: string;
  fields: Row;
}

export interface HolidayRow {
  date: KstDate;
  /** 01 Sunday … 07 Saturday. */
  weekdayCode?: string;
  bankBusinessDay: boolean;
  tradingDay: boolean;
  /** Market open (KIS `opnd_yn`): whether orders are possible. */
  marketOpen: boolean;
  settlementDay: boolean;
}
