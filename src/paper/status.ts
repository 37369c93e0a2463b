/** What the paper broker holds: positions marked at the last stored close, P&L in won, order counts, recent fills. */
import type pg from 'pg';
import { describeInstrument } from '../fills/instrument.js';
import { formatNumber } from '../market/format.js';
import { formatKst, type KstTime } from '../time/kst.js';

export interface PaperPositionStatus {
  strategy: string;
  symbol: string;
  /** Signed: + long, − short. */
  quantity: number;
  averagePrice: number;
  /** Won, before costs. */
  realized: number;
  /** Won: commissions + taxes. */
  costs: number;
  /** Last stored close (null: no candle yet). */
  mark: number | null;
  markTime: KstTime | null;
  /** Won at the mark (null without a mark). */
  unrealized: number | null;
  lastFillTime: KstTime;
}

export interface PaperFillStatus {
  orderId: string;
  strategy: string;
  symbol: string;
  side: string;
  quantity: number;
  price: number;
  time: KstTime;
  commission: number;
  tax: number;
}

export interface PaperStatus {
  positions: PaperPositionStatus[];
  /** Won. `net` = realized − costs + unrealized (unrealized counted where a mark exists). */
  totals: { realized: number; costs: number; unrealized: number; net: number };
  orders: { open: number; filled: number; cancelled: number };
  recentFills: PaperFillStatus[];
}

export async function paperStatus(pool: pg.Pool, opts: { recent?: number } = {}): Promise<PaperStatus> {
  const pos = await pool.query<{ strategy: string; symbol: string; quantity: number; average_price: number; realized: number; costs: number; last_fill_time: KstTime; mark: number | null; mark_time: KstTime | null }>(
    `SELECT p.strategy, p.symbol, p.quantity, p.average_price, p.realized, p.costs, p.last_fill_time, c.close AS mark, c."timestamp" AS mark_time
       FROM paper_positions p
       LEFT JOIN LATERAL (SELECT close, "timestamp" FROM candles_1m WHERE symbol = p.symbol ORDER BY "timestamp" DESC LIMIT 1) c ON true
      ORDER BY p.strategy, p.symbol`,
  );
  const positions = pos.rows.map((r): PaperPositionStatus => {
    const multiplier = describeInstrument(r.symbol).multiplier;
    return {
      strategy: r.strategy,
      symbol: r.symbol,
      quantity: r.quantity,
      averagePrice: r.average_price,
      realized: r.realized,
      costs: r.costs,
      mark: r.mark,
      markTime: r.mark_time,
      unrealized: r.mark === null ? null : r.quantity === 0 ? 0 : (r.mark - r.average_price) * r.quantity * multiplier,
      lastFillTime: r.last_fill_time,
    };
  });
  const counts = await pool.query<{ status: 'open' | 'filled' | 'cancelled'; n: string }>(`SELECT status, count(*) AS n FROM paper_orders GROUP BY status`);
  const orders = { open: 0, filled: 0, cancelled: 0 };
  for (const c of counts.rows) orders[c.status] = Number(c.n);
  const fills = await pool.query<{ order_id: string; strategy: string; symbol: string; side: string; quantity: number; price: number; timestamp: KstTime; commission: number; tax: number }>(
    `SELECT order_id, strategy, symbol, side, quantity, price, "timestamp", commission, tax FROM paper_fills ORDER BY "timestamp" DESC, order_id DESC LIMIT $1`,
    [opts.recent ?? 10],
  );
  const sum = (f: (p: PaperPositionStatus) => number): number => positions.reduce((a, p) => a + f(p), 0);
  const totals = { realized: sum((p) => p.realized), costs: sum((p) => p.costs), unrealized: sum((p) => p.unrealized ?? 0), net: 0 };
  totals.net = totals.realized - totals.costs + totals.unrealized;
  return {
    positions,
    totals,
    orders,
    recentFills: fills.rows.map((f) => ({ orderId: f.order_id, strategy: f.strategy, symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, time: f.timestamp, commission: f.commission, tax: f.tax })),
  };
}

export const krw = (v: number | null): string => (v === null ? '—' : `${formatNumber(v, 0)} KRW`);
const kst = (t: KstTime | null): string => (t === null ? '—' : `${formatKst(t)} KST`);

/** JSON for machines: times as KST wall-clock strings, money as plain won. */
export function paperStatusJson(s: PaperStatus): unknown {
  return {
    ...s,
    positions: s.positions.map((p) => ({ ...p, markTime: p.markTime === null ? null : kst(p.markTime), lastFillTime: kst(p.lastFillTime) })),
    recentFills: s.recentFills.map((f) => ({ ...f, time: kst(f.time) })),
  };
}

export function paperStatusText(s: PaperStatus): string {
  const lines = [`paper orders: ${s.orders.open} open, ${s.orders.filled} filled, ${s.orders.cancelled} cancelled`];
  if (s.positions.length === 0) lines.push('no paper positions yet (enable paper trading with paper.enabled in the config)');
  for (const p of s.positions) {
    lines.push(
      `${p.strategy}  ${p.symbol}  qty ${p.quantity > 0 ? '+' : ''}${p.quantity} @ ${formatNumber(p.averagePrice, 2)}  mark ${formatNumber(p.mark, 2)} (${kst(p.markTime)})` +
        `  realized ${krw(p.realized)}  costs ${krw(p.costs)}  unrealized ${krw(p.unrealized)}  last fill ${kst(p.lastFillTime)}`,
    );
  }
  lines.push(`total: realized ${krw(s.totals.realized)}, costs ${krw(s.totals.costs)}, unrealized ${krw(s.totals.unrealized)}, net ${krw(s.totals.net)}`);
  if (s.recentFills.length) lines.push('recent fills:');
  for (const f of s.recentFills) lines.push(`  ${kst(f.time)}  ${f.strategy}  ${f.symbol}  ${f.side} ${f.quantity} @ ${formatNumber(f.price, 2)}  fees ${krw(f.commission + f.tax)}`);
  return lines.join('\n');
}
