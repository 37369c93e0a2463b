/**
 * Delbourgo–Gregory rational cubic interpolation ("C² rational cubic spline interpolation",
 * 1983/1985), as Let's Be Rational uses it for its initial guesses (Jäckel 2015, §4 and appendix):
 * on [xl, xr] with values yl, yr and slopes dl, dr, the control parameter r ≥ −1 bends the curve;
 * r = 3 is the ordinary cubic Hermite, r → ∞ the straight line. r is chosen to match a second
 * derivative at one end, then raised to the smallest value that keeps the shape (monotone and
 * convex/concave as the data are).
 */

const EPS = Number.EPSILON;
const MIN_R = -(1 - Math.sqrt(EPS));
/** At or above this r the interpolant is evaluated as the straight line it has become. */
const MAX_R = 2 / (EPS * EPS);

/** The smallest normal double (C's DBL_MIN). */
const DBL_MIN = 2.2250738585072014e-308;

const isZero = (v: number): boolean => Math.abs(v) < DBL_MIN;

/** The interpolant at x (eq. 2.4 over eq. 2.5 of Delbourgo & Gregory). */
export function rationalCubicInterpolation(
  x: number,
  xl: number,
  xr: number,
  yl: number,
  yr: number,
  dl: number,
  dr: number,
  r: number,
): number {
  const h = xr - xl;
  if (Math.abs(h) <= 0) return 0.5 * (yl + yr);
  const t = (x - xl) / h;
  if (!(r >= MAX_R)) {
    const omt = 1 - t;
    const t2 = t * t;
    const omt2 = omt * omt;
    return (
      (yr * t2 * t + (r * yr - h * dr) * t2 * omt + (r * yl + h * dl) * t * omt2 + yl * omt2 * omt) /
      (1 + (r - 3) * t * omt)
    );
  }
  return yr * t + yl * (1 - t);
}

/** Smallest r that preserves monotonicity (eq. 3.8) and convexity/concavity (eq. 3.18) of the data. */
function minimumControlParameter(dl: number, dr: number, slope: number, preferShape: boolean): number {
  const monotonic = dl * slope >= 0 && dr * slope >= 0;
  const convex = dl <= slope && slope <= dr;
  const concave = dl >= slope && slope >= dr;
  if (!monotonic && !convex && !concave) return MIN_R;
  const drMinusDl = dr - dl;
  const drMinusS = dr - slope;
  const sMinusDl = slope - dl;
  let r1 = -Number.MAX_VALUE;
  let r2 = r1;
  if (monotonic) {
    if (!isZero(slope)) r1 = (dr + dl) / slope;
    else if (preferShape) r1 = MAX_R;
  }
  if (convex || concave) {
    if (!(isZero(sMinusDl) || isZero(drMinusS)))
      r2 = Math.max(Math.abs(drMinusDl / drMinusS), Math.abs(drMinusDl / sMinusDl));
    else if (preferShape) r2 = MAX_R;
  } else if (monotonic && preferShape) r2 = MAX_R;
  return Math.max(MIN_R, r1, r2);
}

/** r matching the second derivative `d2l` at the left end, kept shape-preserving. */
export function controlParameterFittingLeft(
  xl: number,
  xr: number,
  yl: number,
  yr: number,
  dl: number,
  dr: number,
  d2l: number,
  preferShape: boolean,
): number {
  const h = xr - xl;
  const numerator = 0.5 * h * d2l + (dr - dl);
  const denominator = (yr - yl) / h - dl;
  let r: number;
  if (isZero(numerator)) r = 0;
  else if (isZero(denominator)) r = numerator > 0 ? MAX_R : MIN_R;
  else r = numerator / denominator;
  return Math.max(r, minimumControlParameter(dl, dr, (yr - yl) / h, preferShape));
}

/** r matching the second derivative `d2r` at the right end, kept shape-preserving. */
export function controlParameterFittingRight(
  xl: number,
  xr: number,
  yl: number,
  yr: number,
  dl: number,
  dr: number,
  d2r: number,
  preferShape: boolean,
): number {
  const h = xr - xl;
  const numerator = 0.5 * h * d2r + (dr - dl);
  const denominator = dr - (yr - yl) / h;
  let r: number;
  if (isZero(numerator)) r = 0;
  else if (isZero(denominator)) r = numerator > 0 ? MAX_R : MIN_R;
  else r = numerator / denominator;
  return Math.max(r, minimumControlParameter(dl, dr, (yr - yl) / h, preferShape));
}
