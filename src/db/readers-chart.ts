/** Reads for charts: one instrument over trading dates, its signals, and the newest date it has data for. */
import type pg from 'pg';
import { addDays, formatKst, startOfDate, type KstDate, type KstTime } from '../time/kst.js';
import type { Candle, Signal } from './types.js';

export interface ChartCandle extends Candle {
  tradingDate: KstDate;
  /** The candle table (partition) it came from, e.g. `futures_101`. */
  table: string;
}

/**
 * Candles of `symbol` whose trading date is in [from, to], oldest first. The time bounds (the evening
 * before `from`, for its night session, up to the end of `to`) let the (symbol, timestamp) key serve it.
 */
export async function candlesOfTradingDates(pool: pg.Pool, symbol: string, from: KstDate, to: KstDate): Promise<ChartCandle[]> {
  const r = await pool.query<{
    timestamp: KstTime; trading_date: KstDate; family: string;
    open: number; high: number; low: number; close: number; volume: number; open_interest: number | null;
  }>(
    `SELECT "timestamp", trading_date, family, open, high, low, close, volume, open_interest FROM candles_1m
     WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3 AND trading_date BETWEEN $4 AND $5
     ORDER BY "timestamp"`,
    [symbol, formatKst(startOfDate(addDays(from, -4))), formatKst(startOfDate(addDays(to, 1))), from, to],
  );
  return r.rows.map((x) => ({
    symbol, time: x.timestamp, tradingDate: x.trading_date, table: x.family,
    open: x.open, high: x.high, low: x.low, close: x.close, volume: x.volume, openInterest: x.open_interest,
  }));
}

/** The trading date of the newest stored candle of `symbol`, if any. */
export async function latestTradingDateOf(pool: pg.Pool, symbol: string): Promise<KstDate | undefined> {
  const r = await pool.query<{ trading_date: KstDate }>(
    `SELECT trading_date FROM candles_1m WHERE symbol = $1 ORDER BY "timestamp" DESC LIMIT 1`,
    [symbol],
  );
  return r.rows[0]?.trading_date;
}

/** Signals of `symbol` with from ≤ time < to, oldest first. */
export async function signalsOf(pool: pg.Pool, symbol: string, from: KstTime, to: KstTime): Promise<Signal[]> {
  const r = await pool.query<{ strategy: string; timestamp: KstTime; kind: string; value: number | null; payload: Record<string, unknown> }>(
    `SELECT strategy, "timestamp", kind, value, payload FROM signals
     WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3 ORDER BY "timestamp", strategy, kind`,
    [symbol, formatKst(from), formatKst(to)],
  );
  return r.rows.map((x) => ({ strategy: x.strategy, time: x.timestamp, symbol, kind: x.kind, value: x.value, payload: x.payload }));
}
