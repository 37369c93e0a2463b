/**
 * The contract between the simulator's market model (`src/sim/market/`) and its protocol servers
 * (`src/sim/server/`). Everything is deterministic for a given seed: asking twice gives the same answer.
 * Times are KST wall-clock; prices in the instrument's own units (KRW for stocks, points for derivatives).
 */
import type { KstDate, KstTime } from '../../time/kst.js';
import type { Instrument, OptionSeries } from '../../market/types.js';

export interface SimTrade {
  code: string;
  /** Execution time, whole seconds. */
  time: KstTime;
  price: number;
  qty: number;
  /** Aggressor: 1 buy, 5 sell (KIS `ccld_dvsn` convention). */
  side: 1 | 5;
  /** The book's best bid and ask right after the trade: the trade took one of them (bid ≤ price ≤ ask). */
  bid: number;
  ask: number;
  /** Day totals after this trade (trading-date based: the night session continues into the next date's totals). */
  cumVolume: number;
  /** Cumulative traded value in KRW. */
  cumValue: number;
}

export interface SimBar {
  code: string;
  /** Start of the minute. */
  time: KstTime;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Cumulative traded value (KRW) at the bar's end; the servers send it as `acml_tr_pbmn` in KIS's unit. */
  cumValue: number;
}

/** A trading date's OHLCV: exactly the aggregate of that date's trades (night trades included for derivatives). */
export interface SimDailyBar {
  code: string;
  date: KstDate;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** The date's base price (previous close / settlement). */
  prevClose: number;
}

export interface SimBookLevel {
  price: number;
  qty: number;
  count: number;
}

export interface SimQuote {
  code: string;
  time: KstTime;
  /** Best first; 10 levels for stocks, 5 for derivatives. */
  asks: SimBookLevel[];
  bids: SimBookLevel[];
}

export interface SimSnapshot {
  code: string;
  time: KstTime;
  tradingDate: KstDate;
  last: number;
  open: number;
  high: number;
  low: number;
  prevClose: number;
  /** Base price for the day's limits. */
  basePrice: number;
  upperLimit: number;
  lowerLimit: number;
  cumVolume: number;
  cumValue: number;
  /** When the day's open, high and low printed (high/low: first time); undefined before the first trade. */
  openTime?: KstTime;
  highTime?: KstTime;
  lowTime?: KstTime;
  /** Derivatives: open interest (contracts). */
  openInterest?: number;
  /** Futures: theoretical price; options: the model's fair value (one smile per expiry, Black-76 on the forward). */
  theoretical?: number;
}

export interface SimGreeks {
  /** Implied vol in percent, as KIS `hts_ints_vltl`: the expiry's smile at the strike, same for call and put. */
  iv: number;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  rho: number;
}

export interface SimOptionRow {
  instrument: Instrument;
  snapshot: SimSnapshot;
  bid: number;
  ask: number;
  greeks: SimGreeks;
  intrinsic: number;
  timeValue: number;
  atm: 'ATM' | 'ITM' | 'OTM';
}

export interface SimOptionBoard {
  underlying: string;
  series: OptionSeries;
  expiry: KstDate;
  /** Highest strike first, as KIS returns them. */
  calls: SimOptionRow[];
  puts: SimOptionRow[];
  /** Underlying index level and the same-expiry forward used for pricing. */
  spot: number;
  forward: number;
  /** Discounting the board's values assume: CD91-like rate and years to expiry from their pricing time. */
  rate: number;
  yearsToExpiry: number;
}

/** KIS's 전일 거래량 and 전일 동시간 누적 거래량: a previous trading date's volume, in total and up to a time. */
export interface PreviousDayVolume {
  total: number;
  /**
   * Cumulative volume up to the same wall-clock time, in the same kind of session, as `t` (a time of the
   * trading date the lookup was made for); cheap, for every record.
   */
  sameTime(t: KstTime): number;
}

export interface SimMarket {
  readonly seed: number;
  /** Instruments listed on a trading date (stocks, futures, option series). */
  instruments(date: KstDate): Instrument[];
  instrument(code: string): Instrument | undefined;
  /** Trades with `from <= time < to`, in time order. */
  trades(code: string, from: KstTime, to: KstTime): SimTrade[];
  /** Completed 1-minute bars whose minute starts in `[from, to)`, oldest first; equal to the OHLCV of `trades`. */
  minuteBars(code: string, from: KstTime, to: KstTime): SimBar[];
  /**
   * A trading date's daily bar, or undefined when the instrument did not trade that date. Cheap: stocks and
   * futures fix it before (and without) generating the day's trades.
   */
  dailyBar(code: string, date: KstDate): SimDailyBar | undefined;
  snapshot(code: string, at: KstTime): SimSnapshot;
  /** The order book at `at`: it brackets the last trade at or before `at` (the trade took its bid or ask). */
  quote(code: string, at: KstTime): SimQuote;
  /** The order book right after a trade from `trades` (several trades can share a second). */
  quoteAfter(trade: SimTrade): SimQuote;
  /** The volume of the trading date before the one `at` belongs to; undefined when it did not trade then. */
  previousDayVolume(code: string, at: KstTime): PreviousDayVolume | undefined;
  /** Option expiries listed on a date for an underlying and series, nearest first. */
  optionExpiries(underlying: string, series: OptionSeries, date: KstDate): KstDate[];
  optionBoard(underlying: string, series: OptionSeries, expiry: KstDate, at: KstTime): SimOptionBoard;
  /** Underlying index level (KOSPI200, KOSDAQ150). */
  indexLevel(underlying: string, at: KstTime): number;
}
