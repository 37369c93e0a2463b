/**
 * Implied volatility that never returns NaN.
 *
 * The price is first checked against the no-arbitrage bounds of a European option on the forward
 * (call: e^{-rT}·max(F−K,0) < C < e^{-rT}·F; put: e^{-rT}·max(K−F,0) < P < e^{-rT}·K). Prices outside
 * come back as `{ iv: null, reason }`. Inside, the solver works on the out-of-the-money option (an
 * in-the-money price is mapped through put–call parity, which keeps the small time value from
 * drowning in the intrinsic value) and hands its normalised price β = price/√(F·K) at
 * x = −|ln(F/K)| to Jäckel's "Let's Be Rational" (./lets-be-rational/): machine precision in two
 * Householder steps everywhere, deep out of the money and on the last day included, with no
 * tolerance to tune.
 */
import { lastIterationCount, normalisedImpliedVolatility } from './lets-be-rational/index.js';
import type { OptionRight } from './types.js';

export type IvModel = 'black76' | 'black-scholes';

export interface ImpliedVolOptions {
  /** With model 'black-scholes' the 2nd argument is the spot and this is the continuous dividend yield. */
  dividendYield?: number;
  /**
   * Accepted for compatibility and ignored: Let's Be Rational always converges to machine precision
   * (relative error of σ ~1e-15), which is tighter than any tolerance a caller would ask for.
   */
  tolerance?: number;
}

export type IvFailure =
  'invalid_input' | 'below_intrinsic' | 'no_time_value' | 'above_upper_bound' | 'not_converged';

export type ImpliedVolResult =
  | { iv: number; iterations: number; reason?: undefined; message?: undefined }
  | { iv: null; reason: IvFailure; message: string };

/** σ√T above this is treated as "no solution": b is then within 1e-138 of its supremum. */
const MAX_SIGMA_SQRT_T = 50;

const fail = (reason: IvFailure, message: string): ImpliedVolResult => ({ iv: null, reason, message });

/**
 * σ such that the model price equals `price`. `underlying` is the forward F for Black-76 (default),
 * or the spot S for Black–Scholes (then F = S·e^{(r−q)T} and the answers coincide).
 */
export function impliedVol(
  price: number,
  underlying: number,
  K: number,
  T: number,
  r: number,
  right: OptionRight,
  model: IvModel = 'black76',
  opts: ImpliedVolOptions = {},
): ImpliedVolResult {
  const q = opts.dividendYield ?? 0;
  // The named check allocates, so it runs only once a value is known to be bad (hot path).
  const allFinite =
    Number.isFinite(price) &&
    Number.isFinite(underlying) &&
    Number.isFinite(K) &&
    Number.isFinite(T) &&
    Number.isFinite(r) &&
    Number.isFinite(q);
  if (!allFinite) {
    const inputs = { price, underlying, strike: K, T, r, q };
    for (const [name, v] of Object.entries(inputs)) {
      if (!Number.isFinite(v)) return fail('invalid_input', `${name} is not a finite number (${v})`);
    }
  }
  if (underlying <= 0 || K <= 0)
    return fail('invalid_input', `underlying (${underlying}) and strike (${K}) must be > 0`);
  if (T <= 0)
    return fail(
      'invalid_input',
      `time to expiry must be > 0 (got ${T}); an expired option has no volatility`,
    );
  if (right !== 'call' && right !== 'put')
    return fail('invalid_input', `right must be 'call' or 'put' (got ${String(right)})`);
  const F = model === 'black-scholes' ? underlying * Math.exp((r - q) * T) : underlying;

  const u = price * Math.exp(r * T); // undiscounted
  const intrinsic = right === 'call' ? Math.max(F - K, 0) : Math.max(K - F, 0);
  const upper = right === 'call' ? F : K;
  const scale = Math.max(F, K);
  // Out of the money any positive price has a volatility (down to the smallest double); in the
  // money a time value within rounding of the intrinsic value is noise, not information.
  const eps = intrinsic > 0 ? 1e-13 * scale : 0;
  if (u < intrinsic - eps)
    return fail(
      'below_intrinsic',
      `price ${price} is below the discounted intrinsic value ${intrinsic * Math.exp(-r * T)}`,
    );
  if (u <= intrinsic + eps)
    return fail(
      'no_time_value',
      `price ${price} equals the intrinsic value: no time value, volatility undefined`,
    );
  if (u >= upper - 1e-13 * scale)
    return fail(
      'above_upper_bound',
      `price ${price} is at or above the no-arbitrage upper bound ${upper * Math.exp(-r * T)}`,
    );

  // Solve on the OTM side (same σ by parity, better conditioned), as the normalised OTM call of
  // Let's Be Rational: a put at ln(F/K) is the call at −ln(F/K).
  const timeValue = u - intrinsic;
  // log1p keeps ln(F/K) accurate relative to itself near the money (F − K is exact there); plain
  // log(F/K) would carry an absolute error of ε, which the wings amplify by (x/σ√T)².
  const x = -Math.abs(Math.log1p((F - K) / K));
  const s = normalisedImpliedVolatility(timeValue / Math.sqrt(F * K), x);
  if (!(s <= MAX_SIGMA_SQRT_T))
    return fail(
      'above_upper_bound',
      `no volatility below ${(MAX_SIGMA_SQRT_T / Math.sqrt(T)).toFixed(0)} reproduces the price`,
    );
  if (!(s > 0))
    return fail('no_time_value', `price ${price} carries no time value a volatility could explain`);
  return { iv: s / Math.sqrt(T), iterations: lastIterationCount() };
}
