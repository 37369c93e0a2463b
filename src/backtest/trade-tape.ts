/**
 * The stored trades (`ticks`) of one instrument and trading date, for the backtest's fills: with a tape,
 * an order fills at the first trade after its signal instead of the next bar's open. Kept as two typed
 * arrays in exchange-time order (ties in the order they traded, by cumulative volume): a day of an active
 * future is a few hundred thousand trades, searched by bisection.
 */
import type pg from 'pg';
import type { TradePrint } from '../fills/types.js';
import type { KstDate, KstTime } from '../time/kst.js';

export interface TradeTape {
  readonly symbol: string;
  readonly tradingDate: KstDate;
  /** KST wall-clock exchange times (to the second), ascending. */
  readonly times: Float64Array;
  readonly prices: Float64Array;
}

/** The day's stored trades of `symbol`, or undefined when none are stored (the backtest then uses bars). */
export async function readTradeTape(
  pool: pg.Pool,
  symbol: string,
  tradingDate: KstDate,
): Promise<TradeTape | undefined> {
  const r = await pool.query<{ timestamp: KstTime; price: number }>(
    `SELECT "timestamp", price FROM ticks WHERE symbol = $1 AND trading_date = $2 ORDER BY "timestamp", cum_volume`,
    [symbol, tradingDate],
  );
  if (r.rows.length === 0) return undefined;
  const times = new Float64Array(r.rows.length);
  const prices = new Float64Array(r.rows.length);
  r.rows.forEach((row, i) => {
    times[i] = row.timestamp;
    prices[i] = row.price;
  });
  return { symbol, tradingDate, times, prices };
}

/** The first trade at or after `from` and before `to`, or undefined. */
export function firstTradeIn(tape: TradeTape, from: KstTime, to: KstTime): TradePrint | undefined {
  let lo = 0;
  let hi = tape.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tape.times[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= tape.times.length || tape.times[lo]! >= to) return undefined;
  return { time: tape.times[lo] as KstTime, price: tape.prices[lo]! };
}
