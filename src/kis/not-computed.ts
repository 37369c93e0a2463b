/**
 * KIS's encodings of "no value", turned into `undefined` at the boundary so nothing downstream reads them
 * as data. KIS sends every number as a string and, where it has none, sends a blank or a zero: an option
 * with no trade today shows `acml_vol "0"`, open/high/low `"0.00"` and its base price (기준가) as
 * `optn_prpr`; an empty side of the book shows `optn_bidp "0.00"`; an IV it could not solve shows
 * `hts_ints_vltl "0.0000"` (KIS's own board example: the untraded deep-ITM put 301V05480).
 *
 * The rule, per kind of value (a zero is dropped only where it cannot be a real value):
 * - Prices (last, bid, ask, theoretical): 0 is missing; no KRX instrument trades or is quoted at 0.
 * - IV: 0 is missing; a real option price above intrinsic value always implies a positive volatility.
 * - Greeks: a single 0 is a real value (a deep-OTM delta or a far gamma prints `0.0000` at 4 decimals,
 *   theta is legitimately ~0 or even positive for deep-ITM puts). The greeks are missing only as a set,
 *   when every greek KIS sent is 0 and there is no IV: then KIS computed nothing. (KIS fills greeks from
 *   another volatility when the IV is missing, e.g. delta −1 on that untraded put; those are kept.)
 * - Volumes and open interest: 0 is real (nothing traded, nothing open); only a blank is missing.
 */
import type { IvMissingReason } from '../market/types.js';
import type { Greeks } from './types.js';

/** A price: a positive number, else undefined (KIS's 0 = none). */
export const priceOrNone = (v: number | undefined): number | undefined => (v !== undefined && v > 0 ? v : undefined);

/** Implied volatility in percent: positive, else undefined (KIS's 0 = not computed). */
export const ivOrNone = (v: number | undefined): number | undefined => (v !== undefined && v > 0 ? v : undefined);

/** KIS's greeks as sent, or none at all when every one is 0 and there is no IV (nothing was computed). */
export function greeksOrNone(g: Greeks, iv: number | undefined): Greeks {
  if (iv !== undefined) return g;
  const values = Object.values(g);
  return values.length > 0 && values.every((v) => v === 0) ? {} : g;
}

/**
 * Why an option row has no IV: no trade this session (KIS had no price to solve from), a price at or below
 * intrinsic value (no volatility reproduces it), or KIS left it out though it had a price above intrinsic.
 */
export function ivMissingReason(a: { iv?: number; price?: number; timeValue?: number }): IvMissingReason | undefined {
  if (a.iv !== undefined) return undefined;
  if (a.price === undefined) return 'no_trade';
  if (a.timeValue !== undefined && a.timeValue <= 0) return 'below_intrinsic';
  return 'not_computed';
}

/** The same rules for realtime records, whose missing values are null. */
export const priceOrNull = (v: number | null): number | null => (v !== null && v > 0 ? v : null);

interface NullableGreeks {
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  rho: number | null;
}

/** In place: an IV of 0 is none; with no IV, greeks that are all 0 (or absent) are none. */
export function clearNotComputed(r: NullableGreeks): void {
  if (r.iv !== null && r.iv > 0) return;
  r.iv = null;
  const zeroOrNone = (v: number | null) => v === null || v === 0;
  if (zeroOrNone(r.delta) && zeroOrNone(r.gamma) && zeroOrNone(r.theta) && zeroOrNone(r.vega) && zeroOrNone(r.rho)) {
    r.delta = r.gamma = r.theta = r.vega = r.rho = null;
  }
}
