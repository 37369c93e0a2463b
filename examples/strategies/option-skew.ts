/**
 * Example plugin: the KOSPI200 front future traded on the option surface's put skew.
 *
 * Reads the monthly KOSPI200 implied-volatility matrix (ATM-relative, `option_matrices_101`). The skew is
 * IV(put OTM k) − IV(call OTM k), in volatility points. When fear is priced rich (skew ≥ `enterAbove`)
 * it buys the future, betting the premium mean-reverts with the index; it exits when the skew falls to
 * `exitBelow` or at the session's closing candle. Signals are levels, not edges (the strategy sees only the
 * newest matrix): repeating `enter_long` while long is a no-op in the fill model (position limit), and
 * `exit` while flat is too.
 *
 * Degrades gracefully: with no matrix (not collected, or older than `maxAgeMinutes`) or a missing IV
 * cell it only reports `monitor` with value null and the reason, and never trades on stale data.
 *
 *   krtrade backtest --plugin examples/strategies/option-skew.ts --strategy option-skew \
 *     --from 2026-11-02 --to 2026-11-27 --params '{"enterAbove":0.04}' --report skew.html
 */
import { UserError } from '../../src/errors.js';
import { frontFuture, nearestOptionExpiry } from '../../src/market/instruments/index.js';
import type { Strategy, StrategyContext, StrategyInput, StrategySignal } from '../../src/strategy/api.js';

export interface OptionSkewParams {
  /** Strikes out of the money on each side (1 = the first OTM strike). */
  otm: number;
  /** Skew (IV fraction, 0.03 = 3 vol points) at or above which to be long. */
  enterAbove: number;
  /** Skew at or below which to be flat. */
  exitBelow: number;
  /** Oldest matrix, in minutes, still trusted. */
  maxAgeMinutes: number;
  /** Fixed future instead of the KOSPI200 front future. */
  symbol?: string;
}

const DEFAULTS: OptionSkewParams = { otm: 2, enterAbove: 0.03, exitBelow: 0.01, maxAgeMinutes: 5 };

/** `KOSPI200:<YYYYMMDD>` of the nearest monthly expiry (the matrices' underlying symbol). */
export const monthlyUnderlying = (ctx: StrategyContext): string =>
  `KOSPI200:${nearestOptionExpiry('monthly', ctx.tradingDate, ctx.calendar).replaceAll('-', '')}`;

export function createOptionSkew(params: Partial<OptionSkewParams> = {}): Strategy & {
  withParams(p: Record<string, unknown>): Strategy;
} {
  const p: OptionSkewParams = { ...DEFAULTS, ...params };
  if (!Number.isInteger(p.otm) || p.otm < 1)
    throw new UserError(`option-skew: otm must be an integer ≥ 1, got ${p.otm}`);
  if (!(p.exitBelow < p.enterAbove))
    throw new UserError(`option-skew: exitBelow (${p.exitBelow}) must be below enterAbove (${p.enterAbove})`);
  const symbolOf = (ctx: StrategyContext): string =>
    p.symbol ?? frontFuture('kospi200', ctx.tradingDate, ctx.calendar).code;
  return {
    name: 'option-skew',
    version: '1',
    lookback: 1,
    instruments: (ctx) => [symbolOf(ctx)],
    sessions: () => [{ product: 'derivatives' }],
    matrices: (ctx) => [{ product: '101', underlyingSymbol: monthlyUnderlying(ctx) }],
    withParams: (next) => createOptionSkew({ ...p, ...(next as Partial<OptionSkewParams>) }),
    onBatch(input: StrategyInput): StrategySignal[] {
      const symbol = symbolOf(input);
      const bar = input.batch.get(symbol);
      if (!bar) return [];
      const monitor = (value: number | null, payload: Record<string, unknown>): StrategySignal => ({
        time: input.time,
        symbol,
        kind: 'monitor',
        value,
        payload,
      });
      const iv = input.matrix(monthlyUnderlying(input), 'iv');
      if (!iv) return [monitor(null, { reason: 'no_matrix' })];
      if (input.time - iv.time > p.maxAgeMinutes * 60_000) return [monitor(null, { reason: 'stale_matrix' })];
      const n = (iv.calls.length - 1) / 2;
      const put = iv.puts[n + p.otm];
      const call = iv.calls[n + p.otm];
      if (put == null || call == null) return [monitor(null, { reason: 'no_iv', otm: p.otm })];
      const skew = put - call;
      const out = [monitor(skew, { put, call, atmStrike: iv.atmStrike })];
      const session = input.calendar.sessionForCandle('derivatives', input.time);
      const closing = session !== undefined && input.time === session.close;
      if (closing || skew <= p.exitBelow)
        out.push({
          time: input.time,
          symbol,
          kind: 'exit',
          value: skew,
          payload: { reason: closing ? 'session_close' : 'skew_low' },
        });
      else if (skew >= p.enterAbove)
        out.push({
          time: input.time,
          symbol,
          kind: 'enter_long',
          value: skew,
          payload: { reason: 'skew_high' },
        });
      return out;
    },
  };
}

export default createOptionSkew();
