/**
 * Forward implied by put–call parity: C − P = e^{-rT}·(F − K) ⇒ F = K + e^{rT}·(C − P).
 *
 * For serial months and weeklies there is no same-expiry future, so the forward comes from the
 * option board. Each strike with both prices gives an estimate; the estimates from the strikes
 * where |C − P| is smallest (nearest the money: tightest markets, least early-exercise-free noise)
 * are combined by their median, which shrugs off one stale quote.
 */
import { OptionInputError } from './types.js';

export interface ParityQuote {
  strike: number;
  call: number | null | undefined;
  put: number | null | undefined;
}

export interface ImpliedForward {
  forward: number;
  /** The strikes whose estimates were combined. */
  strikesUsed: number[];
}

/** `null` when no strike has a positive call and put price. `nearest` = how many strikes to combine. */
export function impliedForward(
  quotes: readonly ParityQuote[],
  r: number,
  T: number,
  nearest = 3,
): ImpliedForward | null {
  if (!Number.isFinite(r) || !Number.isFinite(T) || T < 0)
    throw new OptionInputError(`impliedForward needs finite r and T ≥ 0, got r=${r}, T=${T}`);
  if (!Number.isInteger(nearest) || nearest < 1)
    throw new OptionInputError(`nearest must be a positive integer, got ${nearest}`);
  const growth = Math.exp(r * T);
  const usable = quotes
    .filter(
      (q): q is ParityQuote & { call: number; put: number } =>
        Number.isFinite(q.strike) &&
        q.strike > 0 &&
        typeof q.call === 'number' &&
        typeof q.put === 'number' &&
        q.call > 0 &&
        q.put > 0,
    )
    .map((q) => ({
      strike: q.strike,
      gap: Math.abs(q.call - q.put),
      forward: q.strike + growth * (q.call - q.put),
    }))
    .sort((a, b) => a.gap - b.gap || a.strike - b.strike)
    .slice(0, nearest);
  if (usable.length === 0) return null;
  const fs = usable.map((u) => u.forward).sort((a, b) => a - b);
  const mid = fs.length >> 1;
  const forward = fs.length % 2 ? fs[mid]! : (fs[mid - 1]! + fs[mid]!) / 2;
  return { forward, strikesUsed: usable.map((u) => u.strike).sort((a, b) => a - b) };
}
