/**
 * Builds a `StrategyInput` from already-loaded data. The live runner and replay load data differently
 * (per-minute queries vs. one preload per day) but both end here, so a strategy sees exactly the same
 * input either way.
 */
import type { Candle, MatrixMetric, OptionMatrixRow } from '../db/types.js';
import type { TradingCalendar } from '../market/calendar/index.js';
import { formatKstIso, type KstDate, type KstTime } from '../time/kst.js';
import {
  DEFAULT_SESSIONS,
  StrategyError,
  type SessionNeed,
  type Signal,
  type Strategy,
  type StrategyContext,
  type StrategyInput,
  type StrategySignal,
  type TradeTick,
} from './api.js';

export interface BatchData {
  /** Per declared symbol: its last `lookback` candles with time ≤ the batch minute, oldest first. */
  windows: Map<string, Candle[]>;
  /** Per declared matrix symbol: the newest row of each metric at or before the batch minute. */
  matrices: Map<string, Partial<Record<MatrixMetric, OptionMatrixRow>>>;
  /** Per symbol declared by `trades()`: its stored trades in the batch minute (absent: none declared). */
  trades?: Map<string, TradeTick[]>;
}

export function buildInput(
  strategy: Strategy,
  time: KstTime,
  ctx: StrategyContext,
  symbols: readonly string[],
  data: BatchData,
  extraMissing: readonly string[] = [],
): StrategyInput {
  const batch = new Map<string, Candle>();
  const missing = new Set(extraMissing);
  for (const s of symbols) {
    const last = data.windows.get(s)?.at(-1);
    if (last && last.time === time) batch.set(s, last);
    else missing.add(s);
  }
  for (const s of batch.keys()) missing.delete(s);
  return {
    time,
    tradingDate: ctx.tradingDate,
    batch,
    missing: [...missing].sort(),
    calendar: ctx.calendar,
    history(symbol, n) {
      if (!Number.isInteger(n) || n < 0 || n > strategy.lookback) {
        throw new StrategyError(
          `strategy ${strategy.name} asked for ${n} candles of history; it declared lookback ${strategy.lookback}`,
        );
      }
      const w = data.windows.get(symbol);
      if (!w)
        throw new StrategyError(
          `strategy ${strategy.name} asked for history of ${symbol}, which its instruments() did not list`,
        );
      return n === 0 ? [] : w.slice(-n);
    },
    matrix(underlyingSymbol, metric) {
      return data.matrices.get(underlyingSymbol)?.[metric];
    },
    trades(symbol) {
      const t = data.trades?.get(symbol);
      if (!t)
        throw new StrategyError(`strategy ${strategy.name} asked for trades of ${symbol}, which its trades() did not list`);
      return t;
    },
  };
}

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
const KIND_RE = /^[a-z][a-z0-9_]{0,39}$/;

export function checkStrategy(strategy: Strategy): void {
  if (!NAME_RE.test(strategy.name))
    throw new StrategyError(
      `strategy name ${JSON.stringify(strategy.name)} must be 1–64 letters, digits, - or _`,
    );
  if (!Number.isInteger(strategy.lookback) || strategy.lookback < 1 || strategy.lookback > 100_000) {
    throw new StrategyError(
      `strategy ${strategy.name}: lookback must be an integer in [1, 100000], got ${strategy.lookback}`,
    );
  }
}

/**
 * Stamps the strategy name and checks each signal: it must be for the batch minute (so a rerun of a
 * minute replaces exactly that minute's signals), name a symbol and a lower-case kind, and carry a
 * finite value or null.
 */
export function finalizeSignals(strategy: Strategy, time: KstTime, raw: readonly StrategySignal[]): Signal[] {
  if (!Array.isArray(raw))
    throw new StrategyError(
      `strategy ${strategy.name} returned ${typeof raw} instead of an array of signals`,
    );
  const seen = new Set<string>();
  return raw.map((s, i) => {
    const where = `strategy ${strategy.name}, signal ${i} at ${formatKstIso(time)}`;
    if (s.strategy !== undefined && s.strategy !== strategy.name)
      throw new StrategyError(`${where}: names strategy ${JSON.stringify(s.strategy)}`);
    if (s.time !== time) throw new StrategyError(`${where}: time ${String(s.time)} is not the batch minute`);
    if (typeof s.symbol !== 'string' || s.symbol.length === 0)
      throw new StrategyError(`${where}: symbol missing`);
    if (typeof s.kind !== 'string' || !KIND_RE.test(s.kind))
      throw new StrategyError(
        `${where}: kind ${JSON.stringify(s.kind)} must be lower-case letters, digits, _`,
      );
    if (s.value !== null && !Number.isFinite(s.value))
      throw new StrategyError(`${where}: value ${String(s.value)} is not a finite number or null`);
    const key = `${s.symbol}\u0000${s.kind}`;
    if (seen.has(key))
      throw new StrategyError(`${where}: a second ${s.kind} signal for ${s.symbol} in the same minute`);
    seen.add(key);
    const out: Signal = { strategy: strategy.name, time, symbol: s.symbol, kind: s.kind, value: s.value };
    if (s.payload !== undefined) out.payload = s.payload;
    return out;
  });
}

/** Trading date of a batch minute: the session that expects a candle then, else the calendar date. */
export function tradingDateOfMinute(
  calendar: TradingCalendar,
  time: KstTime,
  fallback: () => KstDate,
): KstDate {
  for (const product of ['derivatives', 'night', 'stocks'] as const) {
    const s = calendar.sessionForCandle(product, time);
    if (s) return s.tradingDate;
  }
  for (const product of ['derivatives', 'night', 'stocks'] as const) {
    const d = calendar.tradingDateAt(product, time);
    if (d) return d;
  }
  return fallback();
}

/** Batch minutes of a trading date for a strategy, ascending and unique. */
export function batchMinutes(strategy: Strategy, ctx: StrategyContext): KstTime[] {
  const needs: readonly SessionNeed[] = strategy.sessions?.(ctx) ?? DEFAULT_SESSIONS;
  const all = new Set<number>();
  for (const n of needs) {
    for (const m of ctx.calendar.candleMinutes(
      n.product,
      ctx.tradingDate,
      n.expiring ? { expiring: true } : {},
    ))
      all.add(m);
  }
  return ([...all] as KstTime[]).sort((a, b) => a - b);
}
