/**
 * The normalised Black function of Let's Be Rational (Jäckel 2015, eq. 2.3) for an out-of-the-money
 * call, x = ln(F/K) ≤ 0 and s = σ√T ≥ 0:
 *
 *   b(x,s) = Φ(h+t)·e^{x/2} − Φ(h−t)·e^{−x/2},   h = x/s, t = s/2,
 *
 * i.e. the undiscounted price divided by √(F·K). Every OTM option maps to it (a put at x is the call
 * at −x; an ITM option minus its intrinsic value is the OTM one). The two terms cancel badly in
 * three regions, so b is evaluated four ways (§3 of the paper):
 *   I.   h < η = −10 and t small against |h|: an asymptotic expansion in 1/h² (eq. 3.7 family);
 *   II.  t < τ = 2·ε^{1/16}: a Taylor expansion in t (eq. 3.8 family), to t¹⁵;
 *   III. h + t > 0.85: b is dominated by its first term, which is kept whole (b_max minus the rest);
 *   else the difference of two scaled complementary error functions (eq. 3.4), free of cancellation.
 */
import { erfcx } from './erf-cody.js';

const ONE_OVER_SQRT_2PI = 0.3989422804014327;
const SQRT_HALF_PI = 1.2533141373155003; // √(2π)/2
const SQRT_HALF = 0.7071067811865476;
/** η of the paper: below it the asymptotic expansion is used. */
const ETA = -10;
/** τ = 2·ε^{1/16}: below it the small-t expansion to t¹⁵ is accurate to machine precision. */
const TAU = 2 * Math.sqrt(Math.sqrt(Math.sqrt(Math.sqrt(Number.EPSILON))));

/** ∂b/∂s = φ(h+t)·e^{x/2} = exp(−(h²+t²)/2)/√(2π) (eq. 2.4), with b's limits at s = 0. */
export function normalisedVega(x: number, s: number): number {
  if (s <= 0) return x === 0 ? ONE_OVER_SQRT_2PI : 0;
  const h = x / s;
  const t = 0.5 * s;
  return ONE_OVER_SQRT_2PI * Math.exp(-0.5 * (h * h + t * t));
}

/** b(x,s) for x ≤ 0, s ≥ 0; b(x,0) = 0 (no intrinsic value out of the money). */
export function normalisedBlackCall(x: number, s: number): number {
  if (!(s > 0)) return 0;
  return normalisedBlackCallWithVega(x, s, normalisedVega(x, s), Math.exp(0.5 * x));
}

/**
 * b(x,s) for s > 0 given its vega b' = exp(−(h²+t²)/2)/√(2π) and b_max = e^{x/2}, which the solver
 * has at hand: every region's formula is b' times a bracket free of exponentials, so an iteration
 * pays for one exp, not five.
 */
export function normalisedBlackCallWithVega(x: number, s: number, vega: number, bMax: number): number {
  const h = x / s;
  const t = 0.5 * s;
  // Regions as in the paper, written without division by s.
  if (x < s * ETA && 0.5 * s * s + x < s * (TAU + ETA)) return vega * asymptoticBracket(h, t);
  if (t < TAU) return vega * smallTBracket(h, t);
  if (x + 0.5 * s * s > 0.85 * s) {
    // Φ(h+t)·e^{x/2} = e^{x/2} − ½erfc((h+t)/√2)·e^{x/2} and e^{x/2}·e^{−(h+t)²/2} = e^{−(h²+t²)/2}
    // (likewise for the second term): b = b_max − √(π/2)·b'·[erfcx((h+t)/√2) + erfcx((t−h)/√2)],
    // the dominant first term kept whole.
    return bMax - SQRT_HALF_PI * vega * (erfcx(SQRT_HALF * (h + t)) + erfcx(SQRT_HALF * (t - h)));
  }
  // eq. 3.4: b = √(π/2)·b'·[erfcx(−(h+t)/√2) − erfcx(−(h−t)/√2)]
  return SQRT_HALF_PI * vega * (erfcx(-SQRT_HALF * (h + t)) - erfcx(-SQRT_HALF * (h - t)));
}

/**
 * Region I. With Y(z) = Φ(z)/φ(z) ~ Σ (−1)^k (2k−1)!!/(−z)^{2k+1} (Abramowitz & Stegun 26.2.12),
 * b = φ-factor·[Y(h+t) − Y(h−t)], and each difference of odd powers is expanded without
 * cancellation: [Y(h+t) − Y(h−t)] = (t/r)·2·Σ_k (−1)^k (2k−1)!! q^k P_k(e), with r = h² − t²,
 * q = (h/r)², e = (t/h)², P_k(e) = Σ_i C(2k+1, 2i+1)·e^i (the paper's eq. for A(h,t)).
 * P_k is the odd part of (1+√e)^{2k+1} over √e; with the even part E it follows the all-positive
 * recurrence (P, E) ← (P + E, E + e·P) per power, so no binomials and no cancellation. The series is
 * summed until its terms stop mattering (|h+t| ≥ 9.8 here, so the smallest term is far below ε).
 */
function asymptoticBracket(h: number, t: number): number {
  const e = (t / h) * (t / h);
  const r = (h + t) * (h - t);
  const q = (h / r) * (h / r);
  let sum = 1; // k = 0: P_0 = 1
  let doubleFactorial = 1; // (2k−1)!!
  let qk = 1;
  let odd = 1; // P_k(e) for the current power 2k+1
  let even = 1; // even part of (1+√e)^{2k+1}
  let previous = Infinity;
  for (let k = 1; k < 60; k++) {
    // Two powers up, 2k−1 → 2k → 2k+1: (E + √e·P)·(1 + √e) = (E + e·P) + √e·(P + E).
    let previousOdd = odd;
    odd += even;
    even += e * previousOdd;
    previousOdd = odd;
    odd += even;
    even += e * previousOdd;
    doubleFactorial *= 2 * k - 1;
    qk *= q;
    const term = doubleFactorial * qk * odd;
    if (term >= previous) break; // an asymptotic series: stop before it diverges
    sum += k % 2 === 1 ? -term : term;
    if (term < 1e-17 * sum) break;
    previous = term;
  }
  return (t / r) * 2 * sum;
}

/**
 * Region II. b = φ-factor·[Y(h+t) − Y(h−t)] = φ-factor·2·Σ_k t^{2k+1}/(2k+1)!·Y^{(2k+1)}(h), and
 * since Y' = 1 + h·Y every odd derivative is P_k(h²) + Q_k(h²)·a with a = Y'(h) = 1 + h·Y(h).
 * The polynomials follow from that recurrence (generated exactly, integer coefficients).
 */
function smallTBracket(h: number, t: number): number {
  const a = 1 + h * SQRT_HALF_PI * erfcx(-SQRT_HALF * h);
  const w = t * t;
  const g = h * h;
  const y3 = (-1 + a * (3 + g)) / 6;
  const y5 = (-7 - g + a * (15 + g * (10 + g))) / 120;
  const y7 = (-57 + g * (-18 - g) + a * (105 + g * (105 + g * (21 + g)))) / 5040;
  const y9 = (-561 + g * (-285 + g * (-33 - g)) + a * (945 + g * (1260 + g * (378 + g * (36 + g))))) / 362880;
  const y11 =
    (-6555 +
      g * (-4680 + g * (-840 + g * (-52 - g))) +
      a * (10395 + g * (17325 + g * (6930 + g * (990 + g * (55 + g)))))) /
    39916800;
  const y13 =
    (-89055 +
      g * (-82845 + g * (-20370 + g * (-1926 + g * (-75 - g)))) +
      a * (135135 + g * (270270 + g * (135135 + g * (25740 + g * (2145 + g * (78 + g))))))) /
    6227020800;
  const y15 =
    (-1381905 +
      g * (-1595790 + g * (-501795 + g * (-64260 + g * (-3795 + g * (-102 - g))))) +
      a *
        (2027025 + g * (4729725 + g * (2837835 + g * (675675 + g * (75075 + g * (4095 + g * (105 + g)))))))) /
    1307674368000;
  const series = a + w * (y3 + w * (y5 + w * (y7 + w * (y9 + w * (y11 + w * (y13 + w * y15))))));
  return 2 * t * series;
}
