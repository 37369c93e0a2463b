/** Summary figures of a backtest from its trades, equity curve and days (definitions in types.ts). */
import type { BacktestDay, BacktestSummary, EquityPoint, Trade } from './types.js';

const TRADING_DAYS_PER_YEAR = 252;

export function maxDrawdown(equity: readonly EquityPoint[]): { won: number; pct: number } {
  let worst = 0,
    pct = 0;
  for (const p of equity) {
    if (p.drawdown > worst) {
      worst = p.drawdown;
      pct = p.drawdown / (p.equity + p.drawdown);
    }
  }
  return { won: worst, pct };
}

function ratio(returns: readonly number[], downsideOnly: boolean): number | null {
  if (returns.length < 2) return null;
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const dev = downsideOnly
    ? Math.sqrt(returns.reduce((a, r) => a + Math.min(0, r) ** 2, 0) / returns.length)
    : Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
  return dev > 0 ? (mean / dev) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
}

export function summarize(args: {
  capital: number;
  finalEquity: number;
  grossRealized: number;
  commission: number;
  tax: number;
  trades: readonly Trade[];
  equity: readonly EquityPoint[];
  days: readonly BacktestDay[];
  exposedMinutes: number;
  batchMinutes: number;
  unfilledOrders: number;
}): BacktestSummary {
  const wins = args.trades.filter((t) => t.net > 0);
  const losses = args.trades.filter((t) => t.net < 0);
  const won = wins.reduce((a, t) => a + t.net, 0);
  const lost = -losses.reduce((a, t) => a + t.net, 0);
  const dd = maxDrawdown(args.equity);
  const returns = args.days.map((d) => d.pnl / args.capital);
  return {
    capital: args.capital,
    finalEquity: args.finalEquity,
    netPnl: args.finalEquity - args.capital,
    grossRealized: args.grossRealized,
    commission: args.commission,
    tax: args.tax,
    trades: args.trades.length,
    wins: wins.length,
    losses: losses.length,
    winRate: args.trades.length ? wins.length / args.trades.length : null,
    profitFactor: lost > 0 ? won / lost : null,
    maxDrawdown: dd.won,
    maxDrawdownPct: dd.pct,
    sharpe: ratio(returns, false),
    sortino: ratio(returns, true),
    exposure: args.batchMinutes ? args.exposedMinutes / args.batchMinutes : 0,
    unfilledOrders: args.unfilledOrders,
  };
}
