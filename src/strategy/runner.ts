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
import type { Strategy, StrategyContext } from './api.js';
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
    { windows, matrices: await loadMatrices(pool, strategy, ctx, time) },
    opts.missing,
  );
  const signals = finalizeSignals(strategy, time, await strategy.onBatch(input));
  const result: BatchResult = { time, tradingDate, signals, missing: input.missing };
  if (opts.write !== false) result.stored = await storeSignals(pool, strategy.name, [time], signals);
  return result;
}
