/** A backtest result for people (text) and machines (JSON: KST ISO times, money in won, missing as null). */
import { formatNumber } from '../market/format.js';
import { formatKstIso, type KstTime } from '../time/kst.js';
import type { BacktestResult } from './types.js';

const iso = (t: KstTime): string => formatKstIso(t);
const won = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number | null): string => (n === null ? '—' : `${(n * 100).toFixed(2)}%`);

export function backtestJson(r: BacktestResult): Record<string, unknown> {
  const { bars: _bars, ...rest } = r;
  return {
    ...rest,
    signals: r.signals.map((s) => ({ ...s, time: iso(s.time) })),
    orders: r.orders.map((o) => ({
      ...o,
      order: { ...o.order, signalTime: iso(o.order.signalTime) },
      ...(o.tradeTime !== undefined ? { tradeTime: iso(o.tradeTime) } : {}),
    })),
    fills: r.fills.map((f) => ({ ...f, time: iso(f.time) })),
    trades: r.trades.map((t) => ({ ...t, entryTime: iso(t.entryTime), exitTime: iso(t.exitTime) })),
    equity: r.equity.map((p) => ({ ...p, time: iso(p.time) })),
  };
}

export function backtestText(r: BacktestResult): string {
  const s = r.summary;
  const f = r.fillModel;
  const lines = [
    `${r.strategy} backtest ${r.from}..${r.to}: ${r.days.length} trading days, ${r.signals.length} signals, ${r.fills.length} fills, ${s.trades} trades`,
    `  fills at ${f.fillAt}, slippage ${f.slippageTicks} tick(s), ${f.quantity} per order, limit ${f.maxPosition}`,
    `  net P&L ${won(s.netPnl)} won (gross realised ${won(s.grossRealized)}, commission ${won(s.commission)}, tax ${won(s.tax)})`,
    `  max drawdown ${won(s.maxDrawdown)} won (${pct(s.maxDrawdownPct)}), win rate ${pct(s.winRate)}, profit factor ${formatNumber(s.profitFactor, 2)}`,
    `  Sharpe ${formatNumber(s.sharpe, 2)}, Sortino ${formatNumber(s.sortino, 2)}, exposure ${pct(s.exposure)}, unfilled orders ${s.unfilledOrders}`,
  ];
  if (r.open.length)
    lines.push(
      `  open at the end: ${r.open.map((p) => `${p.symbol} ${p.quantity}@${p.averagePrice}`).join(', ')}`,
    );
  if (r.trades.length) lines.push('trades:');
  for (const t of r.trades)
    lines.push(
      `  ${t.symbol} ${t.side.padEnd(5)} ${t.quantity}  ${iso(t.entryTime)} ${t.entryPrice} → ${iso(t.exitTime)} ${t.exitPrice}  net ${won(t.net)}`,
    );
  lines.push('days:');
  for (const d of r.days)
    lines.push(
      `  ${d.tradingDate}  fills ${d.fills}  trades ${d.trades}  P&L ${won(d.pnl)}  equity ${won(d.equity)}` +
        (d.tickSymbols.length ? `  fills at stored trades: ${d.tickSymbols.join(' ')}` : ''),
    );
  return lines.join('\n');
}
