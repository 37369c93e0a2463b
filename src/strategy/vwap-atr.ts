/**
 * VWAP/ATR bands on the KOSPI200 front future (the shipped strategy, `vwap-atr`).
 *
 * Per minute, over the current session (the night session and the day session are separate sessions:
 * VWAP restarts at each open):
 * - VWAP = Σ typical·volume / Σ volume over the session's candles so far, typical = (high+low+close)/3;
 *   while the session has traded no volume it is the mean typical price.
 * - ATR(14) = simple mean of the last 14 true ranges of 1-minute candles, TR = max(high−low,
 *   |high−prev close|, |low−prev close|). The window may reach into the previous session (so the
 *   opening gap counts). A simple mean, not Wilder's recursion, because a recursion would depend on
 *   how far back history was loaded — live and replay must agree exactly.
 * - Bands = VWAP ± k·ATR (k = 2).
 *
 * Signals for the batch minute:
 * - `monitor` every minute with an ATR > 0: value = (close − VWAP)/ATR, payload {vwap, atr, upper,
 *   lower, close, position}.
 * - Mean-reversion trades (value = close, payload with the reason and levels):
 *   `enter_long` when flat and the close crosses below the lower band (previous close ≥ previous lower
 *   band, this close < this lower band); `enter_short` symmetrically through the upper band;
 *   `exit` when long and the close is back at or above VWAP, or short and at or below VWAP; and `exit`
 *   at the session's closing candle if a position is open (no position is carried across sessions).
 *   No entries on the closing candle. The position is recomputed from the session's candles every
 *   minute, never remembered.
 */
import { frontFuture } from '../market/instruments/index.js';
import type { Session } from '../market/types.js';
import type { KstTime } from '../time/kst.js';
import type { Candle, Strategy, StrategyContext, StrategyInput, StrategySignal } from './api.js';
import { IncrementalVwapAtr } from './vwap-atr-incremental.js';
import { EVENT_KIND, EVENT_REASON, POSITION_NAME } from './vwap-atr-state.js';

type TradeKind = 'enter_long' | 'enter_short' | 'exit';

export interface VwapAtrParams {
  /** Band width in ATRs. */
  k: number;
  atrPeriod: number;
  /** Fixed symbol instead of the KOSPI200 front future (tests, other contracts). */
  symbol?: string;
  name?: string;
}

export type Position = 'flat' | 'long' | 'short';

export interface VwapAtrStep {
  time: KstTime;
  close: number;
  vwap: number;
  /** Undefined until atrPeriod true ranges exist. */
  atr?: number;
  upper?: number;
  lower?: number;
  /** Trade event at this candle, if any. */
  event?: { kind: 'enter_long' | 'enter_short' | 'exit'; reason: string };
  /** Position after this candle. */
  position: Position;
}

const trueRange = (c: Candle, prev: Candle): number =>
  Math.max(c.high - c.low, Math.abs(c.high - prev.close), Math.abs(c.low - prev.close));

/**
 * Walks one session. `candles` are ascending and may start before the session (ATR warm-up);
 * only candles with `session.open ≤ time ≤ session.close` produce steps.
 */
export function vwapAtrSteps(
  candles: readonly Candle[],
  session: Pick<Session, 'open' | 'close'>,
  params: Pick<VwapAtrParams, 'k' | 'atrPeriod'>,
): VwapAtrStep[] {
  const steps: VwapAtrStep[] = [];
  let pv = 0,
    vol = 0,
    typicalSum = 0,
    n = 0;
  let position: Position = 'flat';
  let prev: VwapAtrStep | undefined;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    if (c.time < session.open || c.time > session.close) continue;
    const typical = (c.high + c.low + c.close) / 3;
    pv += typical * c.volume;
    vol += c.volume;
    typicalSum += typical;
    n++;
    const vwap = vol > 0 ? pv / vol : typicalSum / n;
    const step: VwapAtrStep = { time: c.time, close: c.close, vwap, position };
    if (i >= params.atrPeriod) {
      let sum = 0;
      for (let j = i - params.atrPeriod + 1; j <= i; j++) sum += trueRange(candles[j]!, candles[j - 1]!);
      step.atr = sum / params.atrPeriod;
      step.upper = vwap + params.k * step.atr;
      step.lower = vwap - params.k * step.atr;
    }
    const closing = c.time === session.close;
    if (position === 'long' && (c.close >= vwap || closing))
      step.event = { kind: 'exit', reason: closing ? 'session_close' : 'vwap' };
    else if (position === 'short' && (c.close <= vwap || closing))
      step.event = { kind: 'exit', reason: closing ? 'session_close' : 'vwap' };
    else if (
      position === 'flat' &&
      !closing &&
      step.lower !== undefined &&
      prev?.lower !== undefined &&
      prev.upper !== undefined
    ) {
      if (prev.close >= prev.lower && c.close < step.lower)
        step.event = { kind: 'enter_long', reason: 'lower_band_cross' };
      else if (prev.close <= prev.upper && c.close > step.upper!)
        step.event = { kind: 'enter_short', reason: 'upper_band_cross' };
    }
    if (step.event)
      position =
        step.event.kind === 'enter_long' ? 'long' : step.event.kind === 'enter_short' ? 'short' : 'flat';
    step.position = position;
    steps.push(step);
    prev = step;
  }
  return steps;
}

/** Long enough for a full night session (711 candles) plus the ATR warm-up. */
const LOOKBACK = 760;

function frontSymbol(ctx: StrategyContext): { code: string; expiring: boolean } {
  const f = frontFuture('kospi200', ctx.tradingDate, ctx.calendar);
  return { code: f.code, expiring: f.expiry === ctx.tradingDate };
}

export function createVwapAtrStrategy(opts: Partial<VwapAtrParams> = {}): Strategy {
  const params = { k: opts.k ?? 2, atrPeriod: opts.atrPeriod ?? 14 };
  const symbolOf = (ctx: StrategyContext): { code: string; expiring: boolean } =>
    opts.symbol ? { code: opts.symbol, expiring: false } : frontSymbol(ctx);
  // Per symbol: the last window's state, so a backtest or replay minute costs one candle, not 760.
  const cache = new Map<string, IncrementalVwapAtr>();
  return {
    name: opts.name ?? 'vwap-atr',
    version: '1',
    // A full night session plus the ATR warm-up, whatever the period.
    lookback: LOOKBACK + Math.max(0, params.atrPeriod - 14),
    instruments: (ctx) => [symbolOf(ctx).code],
    sessions: (ctx) => [{ product: 'night' }, { product: 'derivatives', expiring: symbolOf(ctx).expiring }],
    onBatch(input: StrategyInput): StrategySignal[] {
      const { code: symbol, expiring } = symbolOf(input);
      if (!input.batch.has(symbol)) return [];
      const session =
        input.calendar.sessionForCandle('derivatives', input.time, { expiring }) ??
        input.calendar.sessionForCandle('night', input.time);
      if (!session) return [];
      // Same as vwapAtrSteps(history, session, params).at(-1), without recomputing an unchanged window.
      let incremental = cache.get(symbol);
      if (!incremental) cache.set(symbol, (incremental = new IncrementalVwapAtr(params.k, params.atrPeriod)));
      const state = incremental.lastStep(input.history(symbol, LOOKBACK + Math.max(0, params.atrPeriod - 14)), session);
      if (!state || state.time !== input.time || Number.isNaN(state.atr)) return [];
      const last = {
        position: POSITION_NAME[state.position],
        event: state.event ? { kind: EVENT_KIND[state.event] as TradeKind, reason: EVENT_REASON[state.event] } : undefined,
      };
      const levels = {
        vwap: state.vwap,
        atr: state.atr,
        upper: state.upper,
        lower: state.lower,
        close: state.close,
      };
      const out: StrategySignal[] = [];
      // A flat market (ATR 0) has no meaningful distance, but an exit must still be reported.
      if (state.atr > 0) {
        out.push({
          time: input.time,
          symbol,
          kind: 'monitor',
          value: (state.close - state.vwap) / state.atr,
          payload: { ...levels, position: last.position },
        });
      }
      if (last.event)
        out.push({
          time: input.time,
          symbol,
          kind: last.event.kind,
          value: state.close,
          payload: { ...levels, reason: last.event.reason },
        });
      return out;
    },
  };
}
