/**
 * Let's Be Rational (P. Jäckel, "Let's Be Rational", Wilmott 2015(75); the reference implementation
 * and the 2016 notes at jaeckel.org): the normalised implied volatility s = σ√T of an out-of-the-money
 * call (x = ln(F/K) ≤ 0) from its normalised price β = price/√(F·K), to machine precision in two
 * Householder(3) steps.
 *
 * 1. Four branches split β's range at b_l < b_c < b_u, the prices at s_l, s_c = √(2|x|) (b's point
 *    of inflection) and s_u, where the tangent at s_c meets 0 and b_max = e^{x/2} (eqs. 4.1–4.3).
 * 2. Initial guess per branch (§4): in the two middle ones a rational cubic through (b_l, s_l),
 *    (b_c, s_c), (b_u, s_u) with slopes 1/b'; in the lowest one a rational cubic of the transformed
 *    value f = (2π|x|/√27)·Φ(−|x|/(√3·s))³ (eq. 4.5), which is what b looks like as s → 0, mapped
 *    back through Φ⁻¹; in the highest one of f = Φ(−s/2) (eq. 4.9), the shape of b as s → ∞.
 * 3. Householder's third-order method (eq. 5.1) on an objective that is nearly linear in each
 *    branch: b − β in the middle, 1/ln b − 1/ln β in the lowest branch (eq. 5.3), and
 *    ln(b_max − β) − ln(b_max − b) in the highest (eq. 5.4), bracketed and with a bisection fallback.
 *
 * Everything is on plain numbers; the only state is the iteration count of the last solve, kept in
 * a module variable so the hot path allocates nothing.
 */
import { inverseNormCdf } from './inverse-normal.js';
import { normalisedBlackCall, normalisedBlackCallWithVega, normalisedVega } from './normalised-black.js';
import { normCdf } from './erf-cody.js';
import {
  controlParameterFittingLeft,
  controlParameterFittingRight,
  rationalCubicInterpolation,
} from './rational-cubic.js';

const EPS = Number.EPSILON;
const DBL_MIN = 2.2250738585072014e-308;
const DBL_MAX = Number.MAX_VALUE;
const SQRT_DBL_MAX = Math.sqrt(DBL_MAX);
const MAX_ITERATIONS = 2;

const TWO_PI = 2 * Math.PI;
const SQRT_THREE = Math.sqrt(3);
const ONE_OVER_SQRT_THREE = 1 / SQRT_THREE;
const TWO_PI_OVER_SQRT_27 = TWO_PI / Math.sqrt(27);
const PI_OVER_SIX = Math.PI / 6;
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
const ONE_OVER_SQRT_2PI = 1 / Math.sqrt(TWO_PI);

let iterationsOfLastSolve = 0;

/** Householder steps the last `normalisedImpliedVolatility` call took (0 to 2, more only on bisection). */
export function lastIterationCount(): number {
  return iterationsOfLastSolve;
}

/** Householder(3) correction factor: ν·factor is the step, with h₂ = g''/g', h₃ = g'''/g' (eq. 5.1). */
function householderFactor(newton: number, h2: number, h3: number): number {
  return (1 + 0.5 * h2 * newton) / (1 + newton * (h2 + (h3 * newton) / 6));
}

/**
 * s = σ√T with b(x, s) = β for x ≤ 0. Returns 0 for β ≤ 0 and +∞ for β ≥ b_max = e^{x/2} (no
 * solution); the caller has already classified those inputs.
 */
export function normalisedImpliedVolatility(beta: number, x: number): number {
  iterationsOfLastSolve = 0;
  if (!(beta > 0)) return 0;
  const bMax = Math.exp(0.5 * x);
  if (beta >= bMax) return Infinity;

  const sC = Math.sqrt(-2 * x);
  const bC = normalisedBlackCall(x, sC);
  const vC = normalisedVega(x, sC);
  let s: number;
  let sLeft = DBL_MIN;
  let sRight = DBL_MAX;

  if (beta < bC) {
    const sL = sC - bC / vC;
    const bL = normalisedBlackCall(x, sL);
    if (beta < bL) {
      // Lowest branch: interpolate the transformed f = (2π|x|/√27)·Φ(−z)³, z = |x|/(√3·s), in β.
      const ax = -x;
      const z = (ONE_OVER_SQRT_THREE * ax) / sL;
      const y = z * z;
      const s2 = sL * sL;
      const Phi = normCdf(-z);
      const phi = ONE_OVER_SQRT_2PI * Math.exp(-0.5 * y);
      const fL = TWO_PI_OVER_SQRT_27 * ax * (Phi * Phi * Phi);
      const dfL = TWO_PI * y * Phi * Phi * Math.exp(y + 0.125 * s2);
      const d2fL =
        ((PI_OVER_SIX * y) / (s2 * sL)) *
        Phi *
        (8 * SQRT_THREE * sL * ax + ((3 * s2 * (s2 - 8) - 8 * x * x) * Phi) / phi) *
        Math.exp(2 * y + 0.25 * s2);
      const r = controlParameterFittingRight(0, bL, 0, fL, 1, dfL, d2fL, true);
      let f = rationalCubicInterpolation(beta, 0, bL, 0, fL, 1, dfL, r);
      if (!(f > 0)) {
        // Round-off at extreme |x|: fall back to the quadratic through f(0) = 0, f'(0) = 1 and f(b_l).
        const t = beta / bL;
        f = (fL * t + bL * (1 - t)) * t;
      }
      s = ax / (SQRT_THREE * -inverseNormCdf(Math.cbrt(f / (TWO_PI_OVER_SQRT_27 * ax))));
      sRight = sL;
      return lowestBranchIterations(beta, x, s, sLeft, sRight, bMax);
    }
    const vL = normalisedVega(x, sL);
    const r = controlParameterFittingRight(bL, bC, sL, sC, 1 / vL, 1 / vC, 0, false);
    s = rationalCubicInterpolation(beta, bL, bC, sL, sC, 1 / vL, 1 / vC, r);
    sLeft = sL;
    sRight = sC;
  } else {
    const sU = vC > DBL_MIN ? sC + (bMax - bC) / vC : sC;
    const bU = normalisedBlackCall(x, sU);
    if (beta <= bU) {
      const vU = normalisedVega(x, sU);
      const r = controlParameterFittingLeft(bC, bU, sC, sU, 1 / vC, 1 / vU, 0, false);
      s = rationalCubicInterpolation(beta, bC, bU, sC, sU, 1 / vC, 1 / vU, r);
      sLeft = sC;
      sRight = sU;
    } else {
      // Highest branch: interpolate the transformed f = Φ(−s/2) in β, from (b_u, f(s_u)) to (b_max, 0).
      const fU = normCdf(-0.5 * sU);
      const w = (x / sU) * (x / sU);
      const dfU = -0.5 * Math.exp(0.5 * w);
      const d2fU = (SQRT_HALF_PI * Math.exp(w + 0.125 * sU * sU) * w) / sU;
      let f = Number.NaN;
      if (d2fU > -SQRT_DBL_MAX && d2fU < SQRT_DBL_MAX) {
        const r = controlParameterFittingLeft(bU, bMax, fU, 0, dfU, -0.5, d2fU, true);
        f = rationalCubicInterpolation(beta, bU, bMax, fU, 0, dfU, -0.5, r);
      }
      if (!(f > 0)) {
        const h = bMax - bU;
        const t = (beta - bU) / h;
        f = (fU * (1 - t) + 0.5 * h * t) * (1 - t);
      }
      s = -2 * inverseNormCdf(f);
      sLeft = sU;
      // Near b_max the log objective is the well-conditioned one; below ½·b_max the plain one is.
      if (beta > 0.5 * bMax) return highestBranchIterations(beta, x, s, sLeft, sRight, bMax);
    }
  }
  return middleIterations(beta, x, s, sLeft, sRight, bMax);
}

/** Objective b(s) − β. */
function middleIterations(
  beta: number,
  x: number,
  s0: number,
  sLeft0: number,
  sRight0: number,
  bMax: number,
): number {
  let s = s0;
  let sLeft = sLeft0;
  let sRight = sRight0;
  let ds = -DBL_MAX;
  let dsPrevious = 0;
  let reversals = 0;
  let n = 0;
  while (n < MAX_ITERATIONS && Math.abs(ds) > EPS * s) {
    if (ds * dsPrevious < 0) reversals++;
    if (n > 0 && (reversals === 3 || !(s > sLeft && s < sRight))) {
      s = 0.5 * (sLeft + sRight);
      if (sRight - sLeft <= EPS * s) break;
      reversals = 0;
      ds = 0;
    }
    dsPrevious = ds;
    const bp = normalisedVega(x, s);
    const b = s > 0 ? normalisedBlackCallWithVega(x, s, bp, bMax) : 0;
    if (b > beta && s < sRight) sRight = s;
    else if (b < beta && s > sLeft) sLeft = s;
    if (bp <= DBL_MIN) ds = 0.5 * (sLeft + sRight) - s;
    else {
      const h = x / s;
      const halley = (h * h) / s - 0.25 * s;
      const hh3 = halley * halley - 3 * (h / s) * (h / s) - 0.25;
      const newton = (beta - b) / bp;
      ds = newton * householderFactor(newton, halley, hh3);
    }
    ds = Math.max(-0.5 * s, ds);
    s += ds;
    n++;
  }
  iterationsOfLastSolve = n;
  return s;
}

/** Objective 1/ln b(s) − 1/ln β (eq. 5.3): nearly linear where b vanishes like e^{−x²/(2s²)}. */
function lowestBranchIterations(
  beta: number,
  x: number,
  s0: number,
  sLeft0: number,
  sRight0: number,
  bMax: number,
): number {
  let s = s0;
  let sLeft = sLeft0;
  let sRight = sRight0;
  let ds = -DBL_MAX;
  let dsPrevious = 0;
  let reversals = 0;
  let n = 0;
  const lnBeta = Math.log(beta);
  while (n < MAX_ITERATIONS && Math.abs(ds) > EPS * s) {
    if (ds * dsPrevious < 0) reversals++;
    if (n > 0 && (reversals === 3 || !(s > sLeft && s < sRight))) {
      s = 0.5 * (sLeft + sRight);
      if (sRight - sLeft <= EPS * s) break;
      reversals = 0;
      ds = 0;
    }
    dsPrevious = ds;
    const bp = normalisedVega(x, s);
    const b = s > 0 ? normalisedBlackCallWithVega(x, s, bp, bMax) : 0;
    if (b > beta && s < sRight) sRight = s;
    else if (b < beta && s > sLeft) sLeft = s;
    if (b <= 0 || bp <= 0) ds = 0.5 * (sLeft + sRight) - s;
    else {
      const lnB = Math.log(b);
      const bpob = bp / b;
      const h = x / s;
      const bHalley = (h * h) / s - 0.25 * s;
      const bHh3 = bHalley * bHalley - 3 * (h / s) * (h / s) - 0.25;
      const newton = ((lnBeta - lnB) * lnB) / lnBeta / bpob;
      const halley = bHalley - bpob * (1 + 2 / lnB);
      const hh3 =
        bHh3 + 2 * bpob * bpob * (1 + (3 / lnB) * (1 + 1 / lnB)) - 3 * bHalley * bpob * (1 + 2 / lnB);
      ds = newton * householderFactor(newton, halley, hh3);
    }
    ds = Math.max(-0.5 * s, ds);
    s += ds;
    n++;
  }
  iterationsOfLastSolve = n;
  return s;
}

/** Objective ln(b_max − β) − ln(b_max − b(s)) (eq. 5.4): nearly linear as b approaches b_max. */
function highestBranchIterations(
  beta: number,
  x: number,
  s0: number,
  sLeft0: number,
  sRight0: number,
  bMax: number,
): number {
  let s = s0;
  let sLeft = sLeft0;
  let sRight = sRight0;
  let ds = -DBL_MAX;
  let dsPrevious = 0;
  let reversals = 0;
  let n = 0;
  while (n < MAX_ITERATIONS && Math.abs(ds) > EPS * s) {
    if (ds * dsPrevious < 0) reversals++;
    if (n > 0 && (reversals === 3 || !(s > sLeft && s < sRight))) {
      s = 0.5 * (sLeft + sRight);
      if (sRight - sLeft <= EPS * s) break;
      reversals = 0;
      ds = 0;
    }
    dsPrevious = ds;
    const bp = normalisedVega(x, s);
    const b = s > 0 ? normalisedBlackCallWithVega(x, s, bp, bMax) : 0;
    if (b > beta && s < sRight) sRight = s;
    else if (b < beta && s > sLeft) sLeft = s;
    if (b >= bMax || bp <= DBL_MIN) ds = 0.5 * (sLeft + sRight) - s;
    else {
      const bMaxMinusB = bMax - b;
      const g = Math.log((bMax - beta) / bMaxMinusB);
      const gp = bp / bMaxMinusB;
      const h = x / s;
      const bHalley = (h * h) / s - 0.25 * s;
      const bHh3 = bHalley * bHalley - 3 * (h / s) * (h / s) - 0.25;
      const newton = -g / gp;
      const halley = bHalley + gp;
      const hh3 = bHh3 + gp * (2 * gp + 3 * bHalley);
      ds = newton * householderFactor(newton, halley, hh3);
    }
    ds = Math.max(-0.5 * s, ds);
    s += ds;
    n++;
  }
  iterationsOfLastSolve = n;
  return s;
}
