/** What a backtest returns. Money in won; times KST wall-clock; a figure that does not exist is null. */
import type { Candle, Signal } from '../db/types.js';
import type { Fill, OrderRequest, Position } from '../fills/types.js';
import type { KstDate, KstTime } from '../time/kst.js';

export interface OrderRecord {
  order: OrderRequest;
  /** `session_closed`: the next bar was in another session; `no_bar`: no candle of the symbol at the signal minute; `no_next_bar`: the data ended first. */
  status: 'filled' | 'unfilled';
  reason?: 'session_closed' | 'no_bar' | 'no_next_bar';
  /** What a filled order's price came from: a stored trade (`trade`, at `tradeTime`) or a bar's open/close. */
  basis?: 'trade' | 'bar';
  tradeTime?: KstTime;
}

/** A round trip: from flat (or a reversal) back to flat (or the next reversal). */
export interface Trade {
  symbol: string;
  side: 'long' | 'short';
  /** Largest |position| held during the trade. */
  quantity: number;
  entryTime: KstTime;
  /** Average entry price of the position when it closed. */
  entryPrice: number;
  exitTime: KstTime;
  exitPrice: number;
  /** Won before costs. */
  gross: number;
  commission: number;
  tax: number;
  /** gross − commission − tax. */
  net: number;
}

export interface EquityPoint {
  time: KstTime;
  /** Won: capital + realised − costs + open positions marked at their last close. */
  equity: number;
  /** Won below the running peak (≥ 0). */
  drawdown: number;
}

export interface BacktestDay {
  tradingDate: KstDate;
  batches: number;
  signals: number;
  fills: number;
  /** Trades closed that day. */
  trades: number;
  /** Won: equity change over the day (marked to market). */
  pnl: number;
  commission: number;
  tax: number;
  equity: number;
  /** Symbols with stored trades (ticks) that day: their next-open orders filled at those trades. */
  tickSymbols: string[];
}

export interface BacktestSummary {
  capital: number;
  finalEquity: number;
  /** Won: finalEquity − capital (open positions marked at their last close). */
  netPnl: number;
  grossRealized: number;
  commission: number;
  tax: number;
  trades: number;
  wins: number;
  losses: number;
  /** Fraction of trades with net > 0; null without trades. */
  winRate: number | null;
  /** Σ winning net / |Σ losing net|; null without a losing trade. */
  profitFactor: number | null;
  /** Won, largest fall from a running equity peak. */
  maxDrawdown: number;
  /** maxDrawdown / that peak. */
  maxDrawdownPct: number;
  /** Annualised (√252) from daily returns on capital; null with fewer than two days or no variation. */
  sharpe: number | null;
  sortino: number | null;
  /** Fraction of batch minutes with an open position. */
  exposure: number;
  unfilledOrders: number;
}

export interface BacktestResult {
  strategy: string;
  from: KstDate;
  to: KstDate;
  fillModel: { fillAt: string; slippageTicks: number; quantity: number; maxPosition: number };
  signals: Signal[];
  orders: OrderRecord[];
  fills: Fill[];
  trades: Trade[];
  equity: EquityPoint[];
  days: BacktestDay[];
  /** Positions still open at the end (marked in finalEquity). */
  open: Position[];
  summary: BacktestSummary;
  /** Bars of the traded instruments, for the report's price chart (only with `keepBars`). */
  bars?: Record<string, Candle[]>;
}
