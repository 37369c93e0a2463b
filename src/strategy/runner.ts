/**
 * The live runner: one strategy, one minute batch. Loads the strategy's inputs from Postgres through the
 * storage readers, runs it, and stores its signals idempotently (see `store.ts`).
 */
import type pg from 'pg';
import { latestCandles, latestMatrices } from '../db/readers.js';
import { latestBarsPreferringTicks } from '../db/tick-bar-readers.js';
import type { Candle, MatrixMetric, OptionMatrixRow, Signal } from '../db/types.js';
import { defaultCalendar, type TradingCalendar } from '../market/calendar/index.js';
import { addMinutes, dateOf, floorMinute, formatKstIso, type KstDate, type KstTime } from '../time/kst.js';
import type { Strategy, StrategyContext, TradeTick } from './api.js';
import { kstText } from '../db/copy.js';
import { StrategyError } from './api.js';
import { buildInput, checkStrategy, finalizeSignals, tradingDateOfMinute, type BatchData } from './inputs.js';
import { storeSignals, type StoreResult } from './store.js';

export interface RunBatchOptions {
  calendar?: TradingCalendar;
  /** Default: the trading date of the session that expects a candle at `time`. */
  tradingDate?: KstDate;
  /** Instruments the pipeline knows failed or were late this minute (added to `input.missing`). */
  missing?: readonly string[];
  /** Store the signals (default true). */
  write?: boolean;
  /** `ticks`: each minute's bar built from ticks where stored, else the REST candle (default `rest`). */
  barSource?: 'rest' | 'ticks';
}

export interface BatchResult {
  time: KstTime;
  tradingDate: KstDate;
  signals: Signal[];
  missing: string[];
  stored?: StoreResult;
}

export async function loadMatrices(
  pool: pg.Pool,
  strategy: Strategy,
  ctx: StrategyContext,
  at: KstTime,
): Promise<BatchData['matrices']> {
  const out = new Map<string, Partial<Record<MatrixMetric, OptionMatrixRow>>>();
  for (const need of strategy.matrices?.(ctx) ?? []) {
    out.set(need.underlyingSymbol, await latestMatrices(pool, need.product, need.underlyingSymbol, { at }));
  }
  return out;
}

/** The stored trades of the batch minute `[at, at + 1 min)` of each symbol the strategy's `trades()` declares. */
export async function loadTrades(
  pool: pg.Pool,
  strategy: Strategy,
  ctx: StrategyContext,
  at: KstTime,
): Promise<Map<string, TradeTick[]> | undefined> {
  const symbols = strategy.trades?.(ctx);
  if (!symbols) return undefined;
  const out = new Map<string, TradeTick[]>(symbols.map((s) => [s, []]));
  if (symbols.length === 0) return out;
  const r = await pool.query<{ symbol: string; timestamp: KstTime; price: number; volume: string }>(
    `SELECT symbol, "timestamp", price, volume FROM ticks
     WHERE symbol = ANY($1) AND trading_date = $2 AND "timestamp" >= $3 AND "timestamp" < $4
     ORDER BY "timestamp", cum_volume`,
    [symbols, ctx.tradingDate, kstText(at), kstText(addMinutes(at, 1))],
  );
  for (const row of r.rows) out.get(row.symbol)!.push({ time: row.timestamp, price: row.price, volume: Number(row.volume) });
  return out;
}

export async function runStrategyBatch(
  pool: pg.Pool,
  strategy: Strategy,
  time: KstTime,
  opts: RunBatchOptions = {},
): Promise<BatchResult> {
  checkStrategy(strategy);
  if (floorMinute(time) !== time)
    throw new StrategyError(`batch time ${formatKstIso(time)} is not the start of a minute`);
  const calendar = opts.calendar ?? defaultCalendar();
  const tradingDate = opts.tradingDate ?? tradingDateOfMinute(calendar, time, () => dateOf(time));
  const ctx: StrategyContext = { tradingDate, calendar };
  const symbols = [...new Set(strategy.instruments(ctx))];
  const windows = new Map<string, Candle[]>();
  for (const symbol of symbols) {
    windows.set(
      symbol,
      await (opts.barSource === 'ticks' ? latestBarsPreferringTicks : latestCandles)(pool, { symbol, before: addMinutes(time, 1), limit: strategy.lookback }),
    );
  }
  const input = buildInput(
    strategy,
    time,
    ctx,
    symbols,
    { windows, matrices: await loadMatrices(pool, strategy, ctx, time), ...(await tradesOf(pool, strategy, ctx, time)) },
    opts.missing,
  );
  const signals = finalizeSignals(strategy, time, await strategy.onBatch(input));
  const result: BatchResult = { time, tradingDate, signals, missing: input.missing };
  if (opts.write !== false) result.stored = await storeSignals(pool, strategy.name, [time], signals);
  return result;
}

/** `{ trades }` for `BatchData` when the strategy declares `trades()` (spread into it). */
export async function tradesOf(pool: pg.Pool, strategy: Strategy, ctx: StrategyContext, at: KstTime): Promise<Pick<BatchData, 'trades'>> {
  const trades = await loadTrades(pool, strategy, ctx, at);
  return trades ? { trades } : {};
}
