/**
 * Realtime records → COPY text lines of `ticks` and `quotes` (columns and units: docs/storage.md). Pure
 * code, no I/O: the recorder groups the lines per day partition and streams them. A record that cannot
 * be stored (a non-finite price, mismatched book depths) gets a reason instead of a line; the recorder
 * keeps it in `rejected_rows`, so nothing is dropped silently.
 */
import { copyField, kstText, numberArrayLiteral } from '../db/copy.js';
import type { BookQuote, FuturesTrade, OptionTrade, StockTrade, WsRecord } from '../kis/ws/records.js';

export type TradeRecord = StockTrade | FuturesTrade | OptionTrade;

export const TICK_COLUMNS = [
  '"timestamp"', 'symbol', 'trading_date', 'price', 'volume', 'cum_volume', 'side', 'open_interest',
] as const;
export const QUOTE_COLUMNS = [
  '"timestamp"', 'symbol', 'trading_date', 'ask_prices', 'ask_sizes', 'bid_prices', 'bid_sizes',
  'total_ask_size', 'total_bid_size', 'seq',
] as const;

export const isTrade = (r: WsRecord): r is TradeRecord =>
  r.kind === 'stock-trade' || r.kind === 'futures-trade' || r.kind === 'option-trade';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === null || v === undefined || ok(v);

/** `ccld_dvsn` 1 = buyer-initiated, 5 = seller-initiated (stocks only; derivatives TRs do not say). */
function sideOf(r: TradeRecord): 'B' | 'S' | null {
  if (r.kind !== 'stock-trade') return null;
  return r.side === 1 ? 'B' : r.side === 5 ? 'S' : null;
}

export function tradeProblem(r: TradeRecord): string | null {
  if (!finite(r.price)) return `price ${String(r.price)} is not a finite number`;
  if (!count(r.qty)) return `qty ${String(r.qty)} is not a non-negative integer`;
  if (!count(r.cumVolume)) return `cumVolume ${String(r.cumVolume)} is not a non-negative integer`;
  if (r.kind !== 'stock-trade' && !optional(r.openInterest, count))
    return `openInterest ${String(r.openInterest)} is not a non-negative integer`;
  return null;
}

export function tickLine(r: TradeRecord): string {
  const oi = r.kind === 'stock-trade' ? null : r.openInterest;
  return [
    kstText(r.time), copyField(r.code), r.tradingDate, r.price, r.qty, r.cumVolume, sideOf(r) ?? '\\N', copyField(oi),
  ].join('\t');
}

function levelsProblem(side: string, prices: readonly number[], sizes: readonly number[]): string | null {
  if (!Array.isArray(prices) || !Array.isArray(sizes) || prices.length !== sizes.length)
    return `${side} prices and sizes do not have the same number of levels`;
  for (let i = 0; i < prices.length; i++) {
    if (!finite(prices[i])) return `${side} price ${i + 1} ${String(prices[i])} is not a finite number`;
    if (!count(sizes[i])) return `${side} size ${i + 1} ${String(sizes[i])} is not a non-negative integer`;
  }
  return null;
}

export function quoteProblem(q: BookQuote): string | null {
  return (
    levelsProblem('ask', q.asks, q.askQtys) ??
    levelsProblem('bid', q.bids, q.bidQtys) ??
    (optional(q.totalAskQty, count) ? null : `totalAskQty ${String(q.totalAskQty)} is not a non-negative integer`) ??
    (optional(q.totalBidQty, count) ? null : `totalBidQty ${String(q.totalBidQty)} is not a non-negative integer`)
  );
}

export function quoteLine(q: BookQuote, seq: number): string {
  return [
    kstText(q.time), copyField(q.code), q.tradingDate,
    numberArrayLiteral(q.asks), numberArrayLiteral(q.askQtys),
    numberArrayLiteral(q.bids), numberArrayLiteral(q.bidQtys),
    copyField(q.totalAskQty), copyField(q.totalBidQty), seq,
  ].join('\t');
}
