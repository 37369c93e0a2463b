/**
 * Implied volatility that never returns NaN.
 *
 * The price is first checked against the no-arbitrage bounds of a European option on the forward
 * (call: e^{-rT}·max(F−K,0) < C < e^{-rT}·F; put: e^{-rT}·max(K−F,0) < P < e^{-rT}·K). Prices outside
 * come back as `{ iv: null, reason }`. Inside, the solver works on the out-of-the-money option (an
 * in-the-money price is mapped through put–call parity, which keeps the small time value from
 * drowning in the intrinsic value) and runs Newton's method on σ, safeguarded by a bracket: a step
 * that leaves the bracket or does not shrink it fast enough is replaced by bisection, so it
 * converges even where vega vanishes (deep OTM, near expiry).
 */
import { black76Undiscounted } from './black76.js';
import { blackD1 } from './greeks.js';
import { normPdf } from './normal.js';
import type { OptionRight } from './types.js';

export type IvModel = 'black76' | 'black-scholes';

export interface ImpliedVolOptions {
  /** With model 'black-scholes' the 2nd argument is the spot and this is the continuous dividend yield. */
  dividendYield?: number;
  /** Absolute tolerance on σ (default 1e-10). */
  tolerance?: number;
}

export type IvFailure =
  'invalid_input' | 'below_intrinsic' | 'no_time_value' | 'above_upper_bound' | 'not_converged';

export type ImpliedVolResult =
  | { iv: number; iterations: number; reason?: undefined; message?: undefined }
  | { iv: null; reason: IvFailure; message: string };

/** σ above this (1000% annualised) is treated as "no solution": nothing on KRX trades there. */
const MAX_SIGMA_SQRT_T = 50;
const MAX_ITERATIONS = 200;

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
  const inputs = { price, underlying, strike: K, T, r, q };
  for (const [name, v] of Object.entries(inputs)) {
    if (!Number.isFinite(v)) return fail('invalid_input', `${name} is not a finite number (${v})`);
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
  const eps = 1e-13 * scale;
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
  if (u >= upper - eps)
    return fail(
      'above_upper_bound',
      `price ${price} is at or above the no-arbitrage upper bound ${upper * Math.exp(-r * T)}`,
    );

  // Solve on the OTM side: same σ by parity, better conditioned.
  const otmRight: OptionRight = K >= F ? 'call' : 'put';
  const target = otmRight === right ? u : u - intrinsic;
  return solve(target, F, K, T, otmRight, opts.tolerance ?? 1e-10);
}

function solve(
  target: number,
  F: number,
  K: number,
  T: number,
  right: OptionRight,
  tol: number,
): ImpliedVolResult {
  const sqrtT = Math.sqrt(T);
  const f = (s: number): number => black76Undiscounted(F, K, T, s, right) - target;
  let lo = 0;
  let hi = 1;
  while (f(hi) < 0) {
    lo = hi;
    hi *= 2;
    if (hi * sqrtT > MAX_SIGMA_SQRT_T)
      return fail(
        'above_upper_bound',
        `no volatility below ${(MAX_SIGMA_SQRT_T / sqrtT).toFixed(0)} reproduces the price`,
      );
  }
  // Brenner–Subrahmanyam start, clamped into the bracket.
  let s = Math.min(
    Math.max((Math.sqrt((2 * Math.PI) / T) * target) / Math.sqrt(F * K), lo + (hi - lo) * 0.01),
    hi,
  );
  let prevStep = hi - lo;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const diff = f(s);
    if (diff === 0) return { iv: s, iterations: i };
    if (diff < 0) lo = s;
    else hi = s;
    const sd = s * sqrtT;
    const vega = sd > 0 ? F * normPdf(blackD1(Math.log(F / K), sd)) * sqrtT : 0;
    let next = vega > 0 ? s - diff / vega : Number.NaN;
    // Bisect when Newton leaves the bracket or its step is not at least halving (as in rtsafe).
    if (!(next > lo && next < hi) || Math.abs(next - s) > 0.5 * prevStep) next = 0.5 * (lo + hi);
    prevStep = Math.abs(next - s);
    if (prevStep < tol || hi - lo < tol) return { iv: next, iterations: i };
    s = next;
  }
  return fail('not_converged', `no convergence after ${MAX_ITERATIONS} iterations (bracket ${lo}..${hi})`);
}
