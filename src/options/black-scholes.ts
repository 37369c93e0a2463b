/**
 * Black–Scholes on the spot with a continuous dividend yield q: what brokers' HTS screens show
 * (KIS `hts_thpr`, `hts_ints_vltl`). Kept for comparison with broker values only — krtrade's own
 * numbers use Black-76 on the forward, because KOSPI200 dividends are lumpy (December, spring).
 *
 *   call = S·e^{-qT}·N(d1) − K·e^{-rT}·N(d2),  d1 = (ln(S/K) + (r − q + σ²/2)T)/(σ√T).
 *
 * Same units as Black-76 (`Greeks`): delta/gamma are with respect to the spot.
 */
import { normCdf, normPdf } from './normal.js';
import { blackD1, quotedGreeks, validateBlackInputs } from './greeks.js';
import { requireFinite, type Greeks, type OptionRight } from './types.js';

/** Broker-style price (see above); for comparisons with HTS values, not for krtrade's own numbers. */
export function blackScholesPrice(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  sigma: number,
  right: OptionRight,
): number {
  return blackScholesGreeks(S, K, T, r, q, sigma, right).price;
}

/** Price and greeks with respect to the spot, in the units of `Greeks`. */
export function blackScholesGreeks(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  sigma: number,
  right: OptionRight,
): Greeks {
  validateBlackInputs('spot', S, K, T, r, sigma, right);
  requireFinite('dividend yield', q);
  const sign = right === 'call' ? 1 : -1;
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  const sd = sigma * sqrtT;
  if (sd === 0) {
    // Deterministic: the payoff on the forward S·e^{(r−q)T}, discounted.
    const fwdValue = sign * (S * dq - K * dr);
    const itm = fwdValue > 0;
    return quotedGreeks({
      price: Math.max(fwdValue, 0),
      delta: itm ? sign * dq : 0,
      gamma: 0,
      thetaPerYear: itm ? sign * (q * S * dq - r * K * dr) : 0,
      vegaPerUnit: 0,
      rhoPerUnit: itm ? sign * K * T * dr : 0,
    });
  }
  const d1 = blackD1(Math.log(S / K) + (r - q) * T, sd);
  const d2 = d1 - sd;
  const nd1 = normCdf(sign * d1);
  const nd2 = normCdf(sign * d2);
  const pdf = normPdf(d1);
  return quotedGreeks({
    price: sign * (S * dq * nd1 - K * dr * nd2),
    delta: sign * dq * nd1,
    gamma: (dq * pdf) / (S * sd),
    thetaPerYear: -(S * dq * pdf * sigma) / (2 * sqrtT) + sign * (q * S * dq * nd1 - r * K * dr * nd2),
    vegaPerUnit: S * dq * pdf * sqrtT,
    rhoPerUnit: sign * K * T * dr * nd2,
  });
}
