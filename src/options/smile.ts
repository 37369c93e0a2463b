/**
 * Volatility smiles as functions of log-moneyness k = ln(K/F).
 *
 * - `sviTotalVariance`: Gatheral's raw SVI, w(k) = a + b·(ρ·(k − m) + √((k − m)² + s²)), the total
 *   implied variance σ²T. Arbitrage-aware shape, linear wings, used by the simulator for a smile that
 *   can move (shift `m`, tilt `ρ`, lift `a`) while staying positive.
 * - `quadraticSmile`: σ(k) = atm + skew·k + curvature·k², floored; the simple "ad-hoc BS smile"
 *   practitioners fit to KOSPI200 weeklies. Fine near the money, explodes in the far wings, hence the
 *   floor and the optional cap.
 */
import { OptionInputError } from './types.js';

export interface SviParams {
  /** Vertical level of total variance. */
  a: number;
  /** Wing slope (≥ 0). */
  b: number;
  /** Skew / rotation, in (−1, 1); negative = puts richer, as on KOSPI200. */
  rho: number;
  /** Horizontal shift of the minimum. */
  m: number;
  /** ATM curvature (> 0). */
  s: number;
}

/** Throws unless the parameters give a non-negative total variance everywhere. */
export function validateSvi(p: SviParams): void {
  for (const [name, v] of Object.entries(p)) {
    if (!Number.isFinite(v)) throw new OptionInputError(`SVI ${name} must be finite, got ${v}`);
  }
  if (p.b < 0) throw new OptionInputError(`SVI b must be ≥ 0, got ${p.b}`);
  if (!(Math.abs(p.rho) < 1)) throw new OptionInputError(`SVI rho must be in (−1, 1), got ${p.rho}`);
  if (!(p.s > 0)) throw new OptionInputError(`SVI s must be > 0, got ${p.s}`);
  const minimum = p.a + p.b * p.s * Math.sqrt(1 - p.rho * p.rho);
  if (minimum < 0) throw new OptionInputError(`SVI parameters give negative variance (minimum ${minimum})`);
}

export function sviTotalVariance(p: SviParams, k: number): number {
  const x = k - p.m;
  return p.a + p.b * (p.rho * x + Math.sqrt(x * x + p.s * p.s));
}

/** Implied vol at log-moneyness k for maturity T (years). */
export function sviVol(p: SviParams, k: number, T: number): number {
  if (!(T > 0)) throw new OptionInputError(`SVI vol needs T > 0, got ${T}`);
  return Math.sqrt(Math.max(sviTotalVariance(p, k), 0) / T);
}

/** SVI parameters whose ATM vol (at k = m = 0) is `atmVol` for maturity T, with the given shape. */
export function sviFromAtm(
  atmVol: number,
  T: number,
  shape: { b: number; rho: number; s: number; m?: number },
): SviParams {
  if (!(atmVol > 0) || !(T > 0))
    throw new OptionInputError(`sviFromAtm needs atmVol > 0 and T > 0, got ${atmVol}, ${T}`);
  const m = shape.m ?? 0;
  const p: SviParams = { a: 0, b: shape.b, rho: shape.rho, m, s: shape.s };
  p.a = atmVol * atmVol * T - sviTotalVariance(p, 0);
  validateSvi(p);
  return p;
}

export interface QuadraticSmile {
  atmVol: number;
  skew: number;
  curvature: number;
  /** Lowest vol returned (default 1%). */
  floor?: number;
  /** Highest vol returned (default none). */
  cap?: number;
}

export function quadraticSmile(p: QuadraticSmile, k: number): number {
  const v = p.atmVol + p.skew * k + p.curvature * k * k;
  return Math.min(Math.max(v, p.floor ?? 0.01), p.cap ?? Number.POSITIVE_INFINITY);
}

/** ln(K/F). */
export function logMoneyness(K: number, F: number): number {
  if (!(K > 0) || !(F > 0))
    throw new OptionInputError(`log-moneyness needs K > 0 and F > 0, got K=${K}, F=${F}`);
  return Math.log(K / F);
}
