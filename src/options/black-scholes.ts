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
import {
  DAYS_PER_YEAR,
  requireFinite,
  requireNonNegative,
  requirePositive,
  requireRight,
  type Greeks,
  type OptionRight,
} from './types.js';

function validate(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  sigma: number,
  right: OptionRight,
): void {
  requirePositive('spot', S);
  requirePositive('strike', K);
  requireNonNegative('time to expiry', T);
  requireFinite('rate', r);
  requireFinite('dividend yield', q);
  requireNonNegative('volatility', sigma);
  requireRight(right);
}

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

export function blackScholesGreeks(
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  sigma: number,
  right: OptionRight,
): Greeks {
  validate(S, K, T, r, q, sigma, right);
  const sign = right === 'call' ? 1 : -1;
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  const sd = sigma * sqrtT;
  if (sd === 0) {
    // Deterministic: the payoff on the forward S·e^{(r−q)T}, discounted.
    const fwdValue = sign * (S * dq - K * dr);
    const itm = fwdValue > 0;
    const price = Math.max(fwdValue, 0);
    const thetaYear = itm ? sign * (q * S * dq - r * K * dr) : 0;
    return {
      price,
      delta: itm ? sign * dq : 0,
      gamma: 0,
      theta: thetaYear / DAYS_PER_YEAR,
      vega: 0,
      rho: itm ? (sign * K * T * dr) / 100 : 0,
    };
  }
  const d1 = (Math.log(S / K) + (r - q) * T) / sd + sd / 2;
  const d2 = d1 - sd;
  const nd1 = normCdf(sign * d1);
  const nd2 = normCdf(sign * d2);
  const pdf = normPdf(d1);
  const price = sign * (S * dq * nd1 - K * dr * nd2);
  const thetaYear = -(S * dq * pdf * sigma) / (2 * sqrtT) + sign * (q * S * dq * nd1 - r * K * dr * nd2);
  return {
    price,
    delta: sign * dq * nd1,
    gamma: (dq * pdf) / (S * sd),
    theta: thetaYear / DAYS_PER_YEAR,
    vega: (S * dq * pdf * sqrtT) / 100,
    rho: (sign * K * T * dr * nd2) / 100,
  };
}
