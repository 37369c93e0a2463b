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
import {
  DAYS_PER_YEAR,
  requireFinite,
  requireNonNegative,
  requirePositive,
  requireRight,
  type Greeks,
  type OptionRight,
} from './types.js';

function validate(F: number, K: number, T: number, r: number, sigma: number, right: OptionRight): void {
  requirePositive('forward', F);
  requirePositive('strike', K);
  requireNonNegative('time to expiry', T);
  requireFinite('rate', r);
  requireNonNegative('volatility', sigma);
  requireRight(right);
}

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
  const d1 = Math.log(F / K) / sd + sd / 2;
  const d2 = d1 - sd;
  // Out-of-the-money side computed directly: no cancellation between two large terms.
  return right === 'call' ? F * normCdf(d1) - K * normCdf(d2) : K * normCdf(-d2) - F * normCdf(-d1);
}

export function black76Price(
  F: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  right: OptionRight,
): number {
  validate(F, K, T, r, sigma, right);
  return Math.exp(-r * T) * black76Undiscounted(F, K, T, sigma, right);
}

export function black76Greeks(
  F: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  right: OptionRight,
): Greeks {
  validate(F, K, T, r, sigma, right);
  const df = Math.exp(-r * T);
  const price = df * black76Undiscounted(F, K, T, sigma, right);
  const sqrtT = Math.sqrt(T);
  const sd = sigma * sqrtT;
  const sign = right === 'call' ? 1 : -1;
  if (sd === 0) {
    const itm = sign * (F - K) > 0;
    // Holding F fixed, only discounting moves the value: ∂/∂T = −r·price, ∂/∂r = −T·price.
    return {
      price,
      delta: itm ? sign * df : 0,
      gamma: 0,
      theta: (r * price) / DAYS_PER_YEAR,
      vega: 0,
      rho: (-T * price) / 100,
    };
  }
  const d1 = Math.log(F / K) / sd + sd / 2;
  const pdf = normPdf(d1);
  const delta = sign * df * normCdf(sign * d1);
  const gamma = (df * pdf) / (F * sd);
  const vegaRaw = df * F * pdf * sqrtT;
  // dPrice/dT = −r·price + e^{-rT}·F·φ(d1)·σ/(2√T); theta is the negative, per calendar day.
  const thetaYear = r * price - (df * F * pdf * sigma) / (2 * sqrtT);
  return {
    price,
    delta,
    gamma,
    theta: thetaYear / DAYS_PER_YEAR,
    vega: vegaRaw / 100,
    rho: (-T * price) / 100,
  };
}
