/** Row generators and the two reference methods of bench/upsert.ts (per-row INSERT, raw COPY). */
import type pg from 'pg';
import { copyField, copyLines, type CopyValue } from '../src/db/copy.js';
import { addMinutes, dateOf, formatKst, kstTime, type KstDate, type KstTime } from '../src/time/kst.js';
import type { Candle, Tick } from '../src/db/types.js';

export const T0 = kstTime(2026, 11, 24, 9, 0);

export function makeCandles(n: number, bump = 0): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i < n; i++) {
    const p = 350 + (i % 97) * 0.05 + bump;
    out.push({
      symbol: `S${i % 100}`,
      time: addMinutes(T0, Math.floor(i / 100)),
      open: p,
      high: p + 0.3,
      low: p - 0.2,
      close: p + 0.1,
      volume: 100 + (i % 13) + bump,
      openInterest: 250_000 + i,
    });
  }
  return out;
}

export function makeTicks(n: number, day: KstDate, bump = 0): Tick[] {
  const base = kstTime(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)), 9);
  return Array.from({ length: n }, (_, i) => ({
    symbol: `S${i % 100}`,
    time: (base + Math.floor(i / 100) * 137) as KstTime,
    tradingDate: day,
    price: 350 + (i % 31) * 0.05 + bump,
    volume: 1 + (i % 5),
    cumVolume: Math.floor(i / 100) + 1,
    side: i % 2 ? 'buy' : 'sell',
  }));
}

/** A candle's column values, in the column order both reference methods write. */
const candleValues = (c: Candle): CopyValue[] => [
  formatKst(c.time),
  c.symbol,
  dateOf(c.time),
  c.open,
  c.high,
  c.low,
  c.close,
  c.volume,
  c.openInterest,
];

/** A tick's column values (side as the stored B/S letter). */
const tickValues = (t: Tick): CopyValue[] => [
  formatKst(t.time),
  t.symbol,
  t.tradingDate,
  t.price,
  t.volume,
  t.cumVolume,
  t.side === 'buy' ? 'B' : 'S',
];

/** The per-row reference: one prepared INSERT per row on one connection, no transaction. */
async function perRow<R>(
  pool: pg.Pool,
  name: string,
  text: string,
  rows: R[],
  values: (r: R) => CopyValue[],
): Promise<void> {
  const client = await pool.connect();
  try {
    for (const r of rows) await client.query({ name, text, values: values(r) });
  } finally {
    client.release();
  }
}

export const perRowCandles = (pool: pg.Pool, table: string, rows: Candle[]): Promise<void> =>
  perRow(
    pool,
    `per-row-${table}`,
    `INSERT INTO ${table} (family, "timestamp", symbol, trading_date, open, high, low, close, volume, open_interest)
     VALUES ('${table}', $1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (symbol, "timestamp") DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
       close = EXCLUDED.close, volume = EXCLUDED.volume, open_interest = EXCLUDED.open_interest`,
    rows,
    candleValues,
  );

export const perRowTicks = (pool: pg.Pool, table: string, rows: Tick[]): Promise<void> =>
  perRow(
    pool,
    `per-row-${table}`,
    `INSERT INTO ${table} ("timestamp", symbol, trading_date, price, volume, cum_volume, side) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (symbol, trading_date, "timestamp", cum_volume) DO NOTHING`,
    rows,
    tickValues,
  );

export async function rawCopy(
  pool: pg.Pool,
  table: string,
  columns: string[],
  lines: string[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await copyLines(client, table, columns, lines);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

export const candleCopyLines = (table: string, rows: Candle[]) =>
  rows.map((c) => [table, ...candleValues(c)].map(copyField).join('\t'));
export const tickCopyLines = (rows: Tick[]) => rows.map((t) => tickValues(t).map(copyField).join('\t'));
