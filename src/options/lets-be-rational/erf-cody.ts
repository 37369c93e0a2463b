/**
 * erfc, erfcx = e^{x²}·erfc(x) and Φ with full relative accuracy, from W. J. Cody's near-minimax
 * rational approximations ("Rational Chebyshev approximations for the error function", Math. Comp.
 * 23, 1969), in the three intervals of his CALERF: |x| ≤ 0.46875, ≤ 4, > 4. The coefficients are
 * Cody's published ones. Let's Be Rational evaluates the normalised Black function through erfcx
 * because the difference of two erfcx values keeps its relative accuracy where the difference of two
 * Φ values would cancel (Jäckel 2015, §3).
 *
 * Plain functions on numbers: no allocation, no closures (the IV hot path calls these millions of
 * times per second).
 */

const SQRT_1_OVER_PI = 0.5641895835477563;
const THRESHOLD = 0.46875;

// erf on |x| ≤ 0.46875: erf(x) = x·A(x²)/B(x²).
const A0 = 3.1611237438705655;
const A1 = 113.86415415105016;
const A2 = 377.485237685302;
const A3 = 3209.3775891384694;
const A4 = 0.18577770618460315;
const B0 = 23.601290952344122;
const B1 = 244.02463793444417;
const B2 = 1282.6165260773723;
const B3 = 2844.236833439171;

// erfcx on 0.46875 < x ≤ 4: C(x)/D(x).
const C0 = 0.5641884969886701;
const C1 = 8.883149794388377;
const C2 = 66.11919063714163;
const C3 = 298.6351381974001;
const C4 = 881.952221241769;
const C5 = 1712.0476126340707;
const C6 = 2051.0783778260716;
const C7 = 1230.3393547979972;
const C8 = 2.1531153547440383e-8;
const D0 = 15.744926110709835;
const D1 = 117.6939508913125;
const D2 = 537.1811018620099;
const D3 = 1621.3895745666903;
const D4 = 3290.7992357334597;
const D5 = 4362.619090143247;
const D6 = 3439.3676741437216;
const D7 = 1230.3393548037495;

// erfcx on x > 4: (1/√π − P(1/x²)/(x²·Q(1/x²)))/x.
const P0 = 0.30532663496123236;
const P1 = 0.36034489994980445;
const P2 = 0.12578172611122926;
const P3 = 0.016083785148742275;
const P4 = 0.0006587491615298378;
const P5 = 0.016315387137302097;
const Q0 = 2.568520192289822;
const Q1 = 1.8729528499234604;
const Q2 = 0.5279051029514285;
const Q3 = 0.06051834131244132;
const Q4 = 0.0023352049762686918;

/** Beyond this, 1 − 1/(2x²) = 1 in double precision and erfcx(x) = 1/(x√π). */
const X_HUGE = 6.71e7;
/** Below this, erfcx overflows (2·e^{x²} > DBL_MAX). */
const X_NEG = -26.628;

/** erf(x) for |x| ≤ 0.46875. */
function erfSmall(x: number): number {
  const y = x * x;
  const num = (((A4 * y + A0) * y + A1) * y + A2) * y + A3;
  const den = (((y + B0) * y + B1) * y + B2) * y + B3;
  return (x * num) / den;
}

/** erfcx(y) for y > 0.46875. */
function erfcxPositive(y: number): number {
  if (y <= 4) {
    const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
    const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
    return num / den;
  }
  if (y >= X_HUGE) return SQRT_1_OVER_PI / y;
  const z = 1 / (y * y);
  const num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
  const den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
  return (SQRT_1_OVER_PI - (z * num) / den) / y;
}

/**
 * e^{−y²} without the rounding of y² hurting: y² is split as ysq² + del with ysq = y rounded down to
 * a multiple of 1/16, so that ysq² is exact (Cody's device).
 */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** Scaled complementary error function e^{x²}·erfc(x). */
export function erfcx(x: number): number {
  const y = Math.abs(x);
  if (y <= THRESHOLD) return Math.exp(x * x) * (1 - erfSmall(x));
  if (x > 0) return erfcxPositive(y);
  if (x < X_NEG) return Infinity;
  // erfcx(−y) = 2·e^{y²} − erfcx(y)
  return 2 / expMinusSquare(y) - erfcxPositive(y);
}

/** Complementary error function, accurate relative to its own size for large x. */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= THRESHOLD) return 1 - erfSmall(x);
  const r = y >= 26.543 ? 0 : expMinusSquare(y) * erfcxPositive(y);
  return x > 0 ? r : 2 - r;
}

const SQRT_HALF = 0.7071067811865476;

/** Standard normal distribution function Φ(z) = erfc(−z/√2)/2. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT_HALF);
}
