/**
 * krtrade's own numbers for one option board (one expiry, one minute): the forward, Black-76 IV and greeks of
 * every option on that forward, and the surface slice fitted to the out-of-the-money IVs.
 *
 * The price an IV is solved from is the bid/ask mid where both sides exist, otherwise the last trade: a
 * last trade can be minutes old while the book is live. No IV is never 0: it is null with the reason.
 */
import { black76Greeks } from './black76.js';
import { boardForward, sidePrice, type BoardForward, type BoardParityQuote } from './forward.js';
import { impliedVol } from './implied-vol.js';
import { surfaceSlice, type SmileIv, type SurfaceSlice } from './surface.js';
import type { OptionRight } from './types.js';

/** Why an option has no own IV. */
export const OWN_IV_MISSING_REASONS = [
  'no_price', 'no_forward', 'expired', 'below_intrinsic', 'no_time_value', 'above_upper_bound', 'not_converged', 'invalid_input',
] as const;
export type OwnIvMissingReason = (typeof OWN_IV_MISSING_REASONS)[number];

export interface AnalyticsQuote {
  right: OptionRight;
  strike: number;
  price: number | null;
  bid: number | null;
  ask: number | null;
}

/** Own IV (percent) and Black-76 greeks on the forward (units of `Greeks`); all null together, with the reason. */
export interface OwnQuoteAnalytics {
  iv: number | null;
  ivMissing: OwnIvMissingReason | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
}

export interface BoardAnalyticsInput {
  quotes: readonly AnalyticsQuote[];
  /** Annual decimal, continuous compounding. */
  rate: number;
  /** Years (calendar days/365) to the expiry close. */
  yearsToExpiry: number;
  /** Index level at the board's minute. */
  spot?: number | null;
  futures?: { price: number; yearsToExpiry: number } | null;
}

export interface BoardAnalytics {
  forward: BoardForward | null;
  rate: number;
  yearsToExpiry: number;
  /** Aligned with the input quotes. */
  quotes: OwnQuoteAnalytics[];
  surface: SurfaceSlice;
}

/** Half the smallest KOSPI200 option tick: the least a price is uncertain by. */
const HALF_TICK = 0.005;
/** Largest IV uncertainty (annual decimal, from the half-spread over vega) a smile point may carry. */
export const MAX_SMILE_IV_UNCERTAINTY = 0.01;
/** Largest half-spread, relative to the price, of a smile point. */
export const MAX_SMILE_RELATIVE_HALF_SPREAD = 0.2;

const strikeKey = (k: number): number => Math.round(k * 1e6);
const missing = (reason: OwnIvMissingReason): OwnQuoteAnalytics => ({ iv: null, ivMissing: reason, delta: null, gamma: null, theta: null, vega: null });

export function analyseBoard(input: BoardAnalyticsInput): BoardAnalytics {
  const { quotes, rate: r, yearsToExpiry: T } = input;
  const byStrike = new Map<number, BoardParityQuote>();
  for (const q of quotes) {
    const key = strikeKey(q.strike);
    let pq = byStrike.get(key);
    if (!pq) byStrike.set(key, (pq = { strike: q.strike, call: { last: null, bid: null, ask: null }, put: { last: null, bid: null, ask: null } }));
    pq[q.right] = { last: q.price, bid: q.bid, ask: q.ask };
  }
  const forward = boardForward([...byStrike.values()], r, T, { spot: input.spot, futures: input.futures });
  const F = forward?.forward;
  const smile: SmileIv[] = [];
  const own = quotes.map((q): OwnQuoteAnalytics => {
    const px = sidePrice({ last: q.price, bid: q.bid, ask: q.ask });
    if (!px) return missing('no_price');
    if (F === undefined) return missing('no_forward');
    if (!(T > 0)) return missing('expired');
    const res = impliedVol(px.price, F, q.strike, T, r, q.right);
    if (res.iv === null) return missing(res.reason);
    const g = black76Greeks(F, q.strike, T, r, res.iv, q.right);
    // The smile takes each strike once, from its out-of-the-money side, and only where the quote pins the
    // IV to within MAX_SMILE_IV_UNCERTAINTY: a 0.01 wing option's IV is noise, and would bend the fit.
    // A quote at the tick floor (0.01 bid, 0.02 ask) is no price at all: its half-spread is a third of it.
    const halfSpread = Number.isNaN(px.halfSpread) ? HALF_TICK : Math.max(px.halfSpread, HALF_TICK);
    const ivUncertainty = halfSpread / (g.vega * 100);
    const usable = ivUncertainty <= MAX_SMILE_IV_UNCERTAINTY && halfSpread <= MAX_SMILE_RELATIVE_HALF_SPREAD * px.price;
    if ((q.right === 'call') === (q.strike >= F) && usable) smile.push({ k: Math.log(q.strike / F), iv: res.iv, uncertainty: ivUncertainty });
    return { iv: res.iv * 100, ivMissing: null, delta: g.delta, gamma: g.gamma, theta: g.theta, vega: g.vega };
  });
  smile.sort((a, b) => a.k - b.k);
  return { forward, rate: r, yearsToExpiry: T, quotes: own, surface: surfaceSlice(smile, T) };
}
