/**
 * The contract between signals and fills, shared by the backtest and the paper broker so both fill
 * the same way. Signals whose `kind` is a trading intent (`enter_long`, `enter_short`, `exit`) become
 * orders; other kinds (`monitor`, …) are information only.
 *
 * Money is in won; prices in the instrument's points/won as stored in the candles.
 */
import type { KstTime } from '../time/kst.js';

export type Side = 'buy' | 'sell';

/** Signal kinds that trade. */
export type TradingIntent = 'enter_long' | 'enter_short' | 'exit';

export interface OrderRequest {
  /** Idempotency key: the same signal always yields the same id (strategy, symbol, signal time, kind). */
  id: string;
  strategy: string;
  symbol: string;
  side: Side;
  /** Contracts or shares, > 0. */
  quantity: number;
  /** Start of the minute whose bar produced the signal (KST wall-clock). */
  signalTime: KstTime;
  intent: TradingIntent;
}

/** The bar fields the fill model reads. */
export interface FillBar {
  time: KstTime;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** One stored trade (tick): exchange time (KST wall-clock, to the second) and price. */
export interface TradePrint {
  time: KstTime;
  price: number;
}

export interface Fill {
  orderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  /** Execution price after slippage, on the instrument's tick grid and inside the bar it filled in. */
  price: number;
  /** Start of the minute of the bar it filled in. */
  time: KstTime;
  /** Won. */
  commission: number;
  /** Won (stock transaction tax on sells; 0 for derivatives). */
  tax: number;
}

/** A position as the fill model and brokers see it: signed quantity (+ long, − short). */
export interface Position {
  symbol: string;
  quantity: number;
  /** Average entry price of the open quantity (0 when flat). */
  averagePrice: number;
}

export interface FillModel {
  /**
   * The order a trading signal asks for, given the current position (undefined: nothing to do, e.g. an
   * exit while flat, or an entry beyond the position limit).
   */
  orderFor(
    signal: { strategy: string; symbol: string; time: KstTime; kind: string },
    position: Position | undefined,
  ): OrderRequest | undefined;
  /**
   * Fills `order`. `signalBar` is the bar that produced the signal, `nextBar` the symbol's next bar
   * (undefined while it does not exist yet). Returns undefined while it cannot fill yet (next-open mode
   * without a next bar) and null when it never fills (the next bar is across a session close).
   */
  fill(order: OrderRequest, signalBar: FillBar, nextBar: FillBar | undefined): Fill | null | undefined;
  /** Won per point per contract (1 for stocks). */
  multiplier(symbol: string): number;
}
