/**
 * Strategy input from bars built from ticks (`pipeline.strategyInput: ticks`): per minute the tick bar
 * where the stream stored a full one, else the REST candle. Times are KST wall-clock (`KstTime`).
 */
import type pg from 'pg';
import { formatKst, type KstDate, type KstTime } from '../time/kst.js';
import type { Candle } from './types.js';

interface Row {
  timestamp: KstTime;
  trading_date: KstDate;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  open_interest: number | null;
}

/**
 * The last `limit` minutes of `symbol` before `before`, oldest first: each minute's tick bar when stored,
 * else its REST candle. Tick bars carry no open interest: the REST candle's is kept when it exists.
 */
export async function latestBarsPreferringTicks(
  pool: pg.Pool,
  q: { symbol: string; before: KstTime; limit: number },
): Promise<Candle[]> {
  const r = await pool.query<Row>(
    `WITH t AS (
       SELECT "timestamp", trading_date, open, high, low, close, volume FROM tick_bars_1m
        WHERE symbol = $1 AND "timestamp" < $2 ORDER BY "timestamp" DESC LIMIT $3),
     c AS (
       SELECT "timestamp", trading_date, open, high, low, close, volume, open_interest FROM candles_1m
        WHERE symbol = $1 AND "timestamp" < $2 ORDER BY "timestamp" DESC LIMIT $3)
     SELECT coalesce(t."timestamp", c."timestamp") AS "timestamp", coalesce(t.trading_date, c.trading_date) AS trading_date,
            coalesce(t.open, c.open) AS open, coalesce(t.high, c.high) AS high, coalesce(t.low, c.low) AS low,
            coalesce(t.close, c.close) AS close, coalesce(t.volume, c.volume) AS volume, c.open_interest
       FROM t FULL JOIN c ON t."timestamp" = c."timestamp"
      ORDER BY 1 DESC LIMIT $3`,
    [q.symbol, formatKst(q.before), Math.max(0, Math.floor(q.limit))],
  );
  return r.rows.reverse().map((x) => ({
    symbol: q.symbol, time: x.timestamp, tradingDate: x.trading_date, open: x.open, high: x.high, low: x.low,
    close: x.close, volume: Number(x.volume), openInterest: x.open_interest,
  }));
}
