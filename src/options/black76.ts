/**
 * Black-76 on the forward: the pricing model krtrade uses for KOSPI200 options (see
 * docs: same-expiry futures or the put–call-parity forward, CD91 discounting).
 *
 *   call = e^{-rT}·(F·N(d1) − K·N(d2)),  put = e^{-rT}·(K·N(−d2) − F·N(−d1)),
 *   d1 = (ln(F/K) + σ²T/2)/(σ√T),  d2 = d1 − σ√T.
 *
 * T is in years (calendar days/365, see `yearFraction`), r and σ are annual decimals (0.035, 0.2).
 * At T = 0 or σ = 0 the value is the discounted intrinsic value, with a step delta and zero
 * gamma/vega.
 */
import { normCdf, normPdf } from './normal.js';
import { blackD1, quotedGreeks, validateBlackInputs } from './greeks.js';
import type { Greeks, OptionRight } from './types.js';

/** Undiscounted Black price, without validation (hot path for the IV solver). */
export function black76Undiscounted(
  F: number,
  K: number,
  T: number,
  sigma: number,
  right: OptionRight,
): number {
  const sd = sigma * Math.sqrt(T);
  if (sd === 0) return right === 'call' ? Math.max(F - K, 0) : Math.max(K - F, 0);
  const d1 = blackD1(Math.log(F / K), sd);
  const d2 = d1 - sd;
  // Out-of-the-money side computed directly: no cancellation between two large terms.
  return right === 'call' ? F * normCdf(d1) - K * normCdf(d2) : K * normCdf(-d2) - F * normCdf(-d1);
}

/** Discounted Black-76 price of a European option on the forward `F`. */
export function black76Price(
  F: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  right: OptionRight,
): number {
  validateBlackInputs('forward', F, K, T, r, sigma, right);
  return Math.exp(-r * T) * black76Undiscounted(F, K, T, sigma, right);
}

/** Price and greeks with respect to the forward, in the units of `Greeks`. */
export function black76Greeks(
  F: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  right: OptionRight,
): Greeks {
  validateBlackInputs('forward', F, K, T, r, sigma, right);
  const df = Math.exp(-r * T);
  const price = df * black76Undiscounted(F, K, T, sigma, right);
  const sqrtT = Math.sqrt(T);
  const sd = sigma * sqrtT;
  const sign = right === 'call' ? 1 : -1;
  if (sd === 0) {
    const itm = sign * (F - K) > 0;
    // Holding F fixed, only discounting moves the value: ∂/∂T = −r·price, ∂/∂r = −T·price.
    return quotedGreeks({
      price,
      delta: itm ? sign * df : 0,
      gamma: 0,
      thetaPerYear: r * price,
      vegaPerUnit: 0,
      rhoPerUnit: -T * price,
    });
  }
  const d1 = blackD1(Math.log(F / K), sd);
  const pdf = normPdf(d1);
  return quotedGreeks({
    price,
    delta: sign * df * normCdf(sign * d1),
    gamma: (df * pdf) / (F * sd),
    // dPrice/dT = −r·price + e^{-rT}·F·φ(d1)·σ/(2√T); theta is the negative.
    thetaPerYear: r * price - (df * F * pdf * sigma) / (2 * sqrtT),
    vegaPerUnit: df * F * pdf * sqrtT,
    rhoPerUnit: -T * price,
  });
}
