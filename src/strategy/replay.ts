/**
 * Replay: the same strategy code over stored history, minute by minute. One pass per trading date:
 * the day's candles are loaded once, then every batch minute of the calendar (the strategy's
 * sessions) is fed through the same input builder the live runner uses, with the history window cut
 * exactly as the live runner's query would cut it (the last `lookback` candles at or before the minute).
 */
import type pg from 'pg';
import { latestCandles, readCandles } from '../db/readers.js';
import type { Candle, Signal } from '../db/types.js';
import { defaultCalendar, type TradingCalendar } from '../market/calendar/index.js';
import { addDays, addMinutes, type KstDate, type KstTime } from '../time/kst.js';
import { UserError } from '../errors.js';
import type { Strategy, StrategyContext } from './api.js';
import { batchMinutes, buildInput, checkStrategy, finalizeSignals } from './inputs.js';
import { loadMatrices, tradesOf } from './runner.js';
import { storeSignals, type StoreResult } from './store.js';

export interface ReplayOptions {
  from: KstDate;
  to: KstDate;
  calendar?: TradingCalendar;
  /** Store the signals like the live runner does (idempotent). */
  write?: boolean;
  onDay?: (day: ReplayDay) => void;
}

export interface ReplayDay {
  tradingDate: KstDate;
  batches: number;
  /** Batch minutes where at least one instrument had no candle. */
  batchesWithMissing: number;
  signals: number;
  stored?: StoreResult;
}

export interface ReplayResult {
  strategy: string;
  from: KstDate;
  to: KstDate;
  days: ReplayDay[];
  signals: Signal[];
}

/** Longest replay accepted in one call (a safety net against a typo like 2016 for 2026). */
const MAX_DAYS = 3660;

export async function replayStrategy(
  pool: pg.Pool,
  strategy: Strategy,
  opts: ReplayOptions,
): Promise<ReplayResult> {
  checkStrategy(strategy);
  if (opts.from > opts.to) throw new UserError(`replay: --from ${opts.from} is after --to ${opts.to}`);
  const calendar = opts.calendar ?? defaultCalendar();
  const result: ReplayResult = {
    strategy: strategy.name,
    from: opts.from,
    to: opts.to,
    days: [],
    signals: [],
  };
  let count = 0;
  for (let d = opts.from; d <= opts.to; d = addDays(d, 1)) {
    if (++count > MAX_DAYS) throw new UserError(`replay: at most ${MAX_DAYS} days per run`);
    if (!calendar.isTradingDay(d)) continue;
    const day = await replayDay(pool, strategy, { tradingDate: d, calendar }, opts.write === true);
    result.days.push(day.summary);
    result.signals.push(...day.signals);
    opts.onDay?.(day.summary);
  }
  return result;
}

async function replayDay(
  pool: pg.Pool,
  strategy: Strategy,
  ctx: StrategyContext,
  write: boolean,
): Promise<{ summary: ReplayDay; signals: Signal[] }> {
  const minutes = batchMinutes(strategy, ctx);
  const summary: ReplayDay = {
    tradingDate: ctx.tradingDate,
    batches: minutes.length,
    batchesWithMissing: 0,
    signals: 0,
  };
  if (minutes.length === 0) return { summary, signals: [] };
  const symbols = [...new Set(strategy.instruments(ctx))];
  const series = new Map<string, Candle[]>();
  for (const symbol of symbols) {
    const before = await latestCandles(pool, { symbol, before: minutes[0]!, limit: strategy.lookback });
    const during = await readCandles(pool, { symbol, from: minutes[0]!, to: addMinutes(minutes.at(-1)!, 1) });
    series.set(symbol, [...before, ...during]);
  }
  const cursor = new Map<string, number>(symbols.map((s) => [s, 0]));
  const signals: Signal[] = [];
  for (const time of minutes) {
    const windows = new Map<string, Candle[]>();
    for (const symbol of symbols)
      windows.set(symbol, windowAt(series.get(symbol)!, cursor, symbol, time, strategy.lookback));
    const input = buildInput(strategy, time, ctx, symbols, {
      windows,
      matrices: await loadMatrices(pool, strategy, ctx, time),
      ...(await tradesOf(pool, strategy, ctx, time)),
    });
    if (input.missing.length > 0) summary.batchesWithMissing++;
    signals.push(...finalizeSignals(strategy, time, await strategy.onBatch(input)));
  }
  summary.signals = signals.length;
  if (write) summary.stored = await storeSignals(pool, strategy.name, minutes, signals);
  return { summary, signals };
}

/** The last `lookback` candles with time ≤ `time`; minutes ascend, so a cursor per symbol suffices. */
export function windowAt(
  candles: Candle[],
  cursor: Map<string, number>,
  symbol: string,
  time: KstTime,
  lookback: number,
): Candle[] {
  let i = cursor.get(symbol)!;
  while (i < candles.length && candles[i]!.time <= time) i++;
  cursor.set(symbol, i);
  return candles.slice(Math.max(0, i - lookback), i);
}
