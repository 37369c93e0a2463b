/**
 * The strategy plugin API. A strategy is a pure function of stored data: for a minute batch it sees the
 * candles of that minute, a bounded window of earlier candles and the latest option matrices, and
 * returns signals. It must keep no state between calls — anything it "remembers" (a position, a
 * running average) is recomputed from `history` — so the live runner and replay give identical
 * signals for the same stored data.
 */
import type { Candle, MatrixMetric, OptionMatrixRow, Signal } from '../db/types.js';
import type { TradingCalendar } from '../market/calendar/index.js';
import type { SessionProduct } from '../market/types.js';
import type { KstDate, KstTime } from '../time/kst.js';
import { KrtradeError } from '../errors.js';

export type { Candle, OptionMatrixRow, Signal, MatrixMetric };

export interface StrategyContext {
  tradingDate: KstDate;
  calendar: TradingCalendar;
}

/** A matrix the strategy reads: `product` is the matrix table's product code ('101' → option_matrices_101). */
export interface MatrixNeed {
  product: string;
  underlyingSymbol: string;
}

/** A session whose candle minutes are batches (replay walks these minutes, in time order). */
export interface SessionNeed {
  product: SessionProduct;
  /** The day session of a series on its last trading day (closes 15:20). */
  expiring?: boolean;
}

/** One stored trade: exchange time (KST wall-clock, to the second), price, quantity. */
export interface TradeTick {
  time: KstTime;
  price: number;
  volume: number;
}

export interface StrategyInput {
  /** The minute batch: start of the minute whose candles just completed (KST wall-clock). */
  time: KstTime;
  tradingDate: KstDate;
  /** This minute's candle of each instrument that has one. */
  batch: Map<string, Candle>;
  /** The last `n` candles of `symbol` up to and including this minute, oldest first (n ≤ `lookback`). */
  history: (symbol: string, n: number) => Candle[];
  /**
   * The newest stored matrix at or before `time`, for the matrices the strategy declared. A cell is null
   * where there is no value (strike not listed, no trade, IV not computed: docs/storage.md), never 0.
   */
  matrix: (underlyingSymbol: string, metric: MatrixMetric) => OptionMatrixRow | undefined;
  /**
   * The stored trades (ticks) of `symbol` in this minute, in exchange-time order, for the symbols the
   * strategy's `trades()` declared; empty where the stream recorded none (ticks are collected only for
   * subscriptions with `kinds: ["ticks"]`): the strategy must cope.
   */
  trades: (symbol: string) => TradeTick[];
  /** Instruments without a candle for this minute (failed, late, or no trade). */
  missing: string[];
  calendar: TradingCalendar;
}

/** A signal as a strategy returns it; the runner stamps `strategy` with the strategy's name. */
export type StrategySignal = Omit<Signal, 'strategy'> & { strategy?: string };

export interface Strategy {
  /** Registry key and the `strategy` column of its signals: letters, digits, `-`, `_`. */
  name: string;
  version?: string;
  /** Symbols the strategy needs on a trading date. */
  instruments(ctx: StrategyContext): string[];
  /** Most candles per symbol `history` may be asked for (the runner loads exactly this many). */
  lookback: number;
  /** Sessions whose candle minutes are batches on a trading date (default: night then derivatives day). */
  sessions?(ctx: StrategyContext): SessionNeed[];
  matrices?(ctx: StrategyContext): MatrixNeed[];
  /** Symbols whose trades of the batch minute `input.trades()` returns (read from `ticks`). */
  trades?(ctx: StrategyContext): string[];
  onBatch(input: StrategyInput): Promise<StrategySignal[]> | StrategySignal[];
}

/** The strategy misbehaved (asked for more history than declared, returned a malformed signal). */
export class StrategyError extends KrtradeError {}

export const DEFAULT_SESSIONS: readonly SessionNeed[] = [{ product: 'night' }, { product: 'derivatives' }];
