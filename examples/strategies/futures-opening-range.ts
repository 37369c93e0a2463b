/**
 * Example plugin: opening-range breakout on the KOSPI200 front future's minute bars.
 *
 * Each session (night and day separately) the first `rangeMinutes` candles set a range. After it, the
 * first close above the range's high enters long, the first close below its low enters short; one trade
 * per session, closed at the session's closing candle. Like every strategy it keeps no state: the
 * position is recomputed each minute from the session's candles in `history`, so live, replay and
 * backtest agree.
 *
 *   krtrade backtest --plugin examples/strategies/futures-opening-range.ts \
 *     --strategy futures-opening-range --from 2026-11-02 --to 2026-11-27 --report orb.html
 */
import { UserError } from '../../src/errors.js';
import { frontFuture } from '../../src/market/instruments/index.js';
import type {
  Candle,
  Strategy,
  StrategyContext,
  StrategyInput,
  StrategySignal,
} from '../../src/strategy/api.js';

export interface OpeningRangeParams {
  /** Candles that form the range. */
  rangeMinutes: number;
  /** Points beyond the range a close must reach. */
  margin: number;
  /** Fixed symbol instead of the KOSPI200 front future. */
  symbol?: string;
}

/** Long enough for a whole night session (651 candle minutes). */
const LOOKBACK = 700;

type Event = { kind: 'enter_long' | 'enter_short' | 'exit'; reason: string };

/** The event at the session's last candle in `candles` (ascending, this session only), if any. */
export function openingRangeEvent(
  candles: readonly Candle[],
  closeMinute: number,
  p: OpeningRangeParams,
): Event | undefined {
  if (candles.length <= p.rangeMinutes) return undefined;
  const range = candles.slice(0, p.rangeMinutes);
  const high = Math.max(...range.map((c) => c.high));
  const low = Math.min(...range.map((c) => c.low));
  let position: 'flat' | 'long' | 'short' | 'done' = 'flat';
  let event: Event | undefined;
  for (let i = p.rangeMinutes; i < candles.length; i++) {
    const c = candles[i]!;
    event = undefined;
    const closing = c.time === closeMinute;
    if ((position === 'long' || position === 'short') && closing) {
      event = { kind: 'exit', reason: 'session_close' };
      position = 'done';
    } else if (position === 'flat' && !closing) {
      if (c.close > high + p.margin) event = { kind: 'enter_long', reason: 'range_high' };
      else if (c.close < low - p.margin) event = { kind: 'enter_short', reason: 'range_low' };
      if (event) position = event.kind === 'enter_long' ? 'long' : 'short';
    }
  }
  return event;
}

export function createOpeningRange(params: Partial<OpeningRangeParams> = {}): Strategy & {
  withParams(p: Record<string, unknown>): Strategy;
} {
  const p: OpeningRangeParams = { rangeMinutes: 15, margin: 0, ...params };
  if (!Number.isInteger(p.rangeMinutes) || p.rangeMinutes < 1 || p.rangeMinutes > 300)
    throw new UserError(
      `futures-opening-range: rangeMinutes must be an integer in [1, 300], got ${p.rangeMinutes}`,
    );
  const symbolOf = (ctx: StrategyContext): string =>
    p.symbol ?? frontFuture('kospi200', ctx.tradingDate, ctx.calendar).code;
  return {
    name: 'futures-opening-range',
    version: '1',
    lookback: LOOKBACK,
    instruments: (ctx) => [symbolOf(ctx)],
    withParams: (next) => createOpeningRange({ ...p, ...(next as Partial<OpeningRangeParams>) }),
    onBatch(input: StrategyInput): StrategySignal[] {
      const symbol = symbolOf(input);
      const bar = input.batch.get(symbol);
      if (!bar) return [];
      const session =
        input.calendar.sessionForCandle('derivatives', input.time) ??
        input.calendar.sessionForCandle('night', input.time);
      if (!session) return [];
      const candles = input.history(symbol, LOOKBACK).filter((c) => c.time >= session.open);
      const event = openingRangeEvent(candles, session.close, p);
      return event
        ? [
            {
              time: input.time,
              symbol,
              kind: event.kind,
              value: bar.close,
              payload: { reason: event.reason },
            },
          ]
        : [];
    },
  };
}

export default createOpeningRange();
