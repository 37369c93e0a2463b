/**
 * Rebuilding a missed option-board minute. KIS keeps no board history, but it keeps every option's minute
 * candles (the F/O chart endpoint, divisions O by day and EU at night). A board minute lost to an outage or a
 * rate limit is rebuilt from them: each option's price is its last trade at or before that minute (the close
 * of its newest candle, else the price of the last stored board of the trading date), its volume the trading
 * date's cumulative volume (that board's volume plus the candles since); a stored board of that day gives the
 * strikes listed. Books (bid/ask), open interest and KIS's IV
 * and greeks cannot be rebuilt and stay NULL; our own forward, IV and greeks are recomputed from the prices by
 * the normal board stages, with the futures close as the forward's fallback. Rows are marked `rebuilt`.
 */
import type pg from 'pg';
import { formatKst, type KstTime } from '../time/kst.js';

/** One option of the board the rebuild starts from (the strikes listed, and its prices when in the same session). */
export interface ReferenceRow {
  code: string;
  right: 'call' | 'put';
  strike: number;
  price: number | null;
  volume: number | null;
}

export interface ReferenceBoard {
  minute: KstTime;
  rows: ReferenceRow[];
}

/** A minute candle of one option or future: its start, close and volume. */
export interface RebuildBar {
  time: KstTime;
  close: number;
  volume: number;
}

/**
 * The quotes of board minute `minute` from the session's candles (from its open, ascending). Price = the
 * newest close at or before the minute; with no trade yet this session, the reference board's price when
 * `carry` (a board of the same trading date), else null. Volume: KIS's board counts the whole trading date
 * (night session included), so with `carry` the reference's volume plus the candles after it, else the
 * session's candles alone.
 */
export function rebuildQuotes(ref: ReferenceBoard, carry: boolean, bars: ReadonlyMap<string, readonly RebuildBar[]>, minute: KstTime): ReferenceRow[] {
  return ref.rows.map((r) => {
    let price: number | null = null;
    let volume = carry ? (r.volume ?? 0) : 0;
    for (const b of bars.get(r.code) ?? []) {
      if (b.time > minute) break;
      price = b.close;
      if (!carry || b.time > ref.minute) volume += b.volume;
    }
    if (price === null && carry) price = r.price;
    // KIS's board says "no trade" as no value: null, never 0.
    return { ...r, price, volume: volume > 0 ? volume : null };
  });
}

/** The newest close at or before `minute` (bars ascending), if any. */
export function closeAt(bars: readonly RebuildBar[], minute: KstTime): number | undefined {
  let out: number | undefined;
  for (const b of bars) {
    if (b.time > minute) break;
    out = b.close;
  }
  return out;
}

interface ChainRecord {
  timestamp: KstTime;
  code: string;
  option_right: 'C' | 'P';
  strike: number;
  price: number | null;
  volume: string | null;
}

async function boardAt(pool: pg.Pool, board: string, minute: KstTime): Promise<ReferenceBoard> {
  const r = await pool.query<ChainRecord>(
    'SELECT "timestamp", code, option_right, strike, price, volume FROM option_chain_raw WHERE underlying_symbol = $1 AND "timestamp" = $2 ORDER BY option_right, strike',
    [board, formatKst(minute)],
  );
  return {
    minute,
    rows: r.rows.map((x) => ({ code: x.code, right: x.option_right === 'C' ? 'call' : 'put', strike: x.strike, price: x.price, volume: x.volume === null ? null : Number(x.volume) })),
  };
}

/**
 * The board a rebuild starts from: the newest stored minute of `board` (`KOSPI200:20261210`) before `before`
 * and not before `notBefore`, else the oldest stored one after `before` up to `notAfter` (its strikes only).
 * Only boards KIS sent count: a rebuilt board is never the reference of another.
 */
export async function referenceBoard(pool: pg.Pool, board: string, before: KstTime, window: { notBefore: KstTime; notAfter: KstTime }): Promise<{ ref: ReferenceBoard; earlier: boolean } | undefined> {
  const prev = await pool.query<{ t: KstTime }>(
    'SELECT max("timestamp") AS t FROM option_chain_raw WHERE underlying_symbol = $1 AND "timestamp" < $2 AND "timestamp" >= $3 AND NOT rebuilt',
    [board, formatKst(before), formatKst(window.notBefore)],
  );
  if (prev.rows[0]?.t != null) return { ref: await boardAt(pool, board, prev.rows[0].t), earlier: true };
  const next = await pool.query<{ t: KstTime }>(
    'SELECT min("timestamp") AS t FROM option_chain_raw WHERE underlying_symbol = $1 AND "timestamp" > $2 AND "timestamp" <= $3 AND NOT rebuilt',
    [board, formatKst(before), formatKst(window.notAfter)],
  );
  if (next.rows[0]?.t != null) return { ref: await boardAt(pool, board, next.rows[0].t), earlier: false };
  return undefined;
}
