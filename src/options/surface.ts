/**
 * One expiry's volatility surface slice at one minute: ATM IV, 25-delta risk reversal and butterfly, skew
 * slope, all read off the SVI fit (so they are smooth minute to minute and exist between listed strikes),
 * plus the fit error and the butterfly-arbitrage flag. Calendar arbitrage needs the neighbouring expiries
 * and is flagged by `flagCalendarArbitrage` over the slices of one minute.
 *
 * Units: vols in percent (as KIS quotes IV), the skew slope in vol points per unit of ln(K/F), deltas are
 * forward (undiscounted) Black-76 deltas: the 25-delta call is where N(d1) = 0.25, the put where N(d1) = 0.75.
 */
import { normCdf } from './normal.js';
import { sviTotalVariance, type SviParams } from './smile.js';
import { fitSvi, hasButterflyArbitrage, hasCalendarArbitrage, sviDerivatives, type SmilePoint } from './svi-fit.js';

export interface SurfaceSlice {
  yearsToExpiry: number;
  /** Percent; null when no fit. */
  atmIv: number | null;
  rr25: number | null;
  bf25: number | null;
  /** dσ/dk at k = 0, vol points per unit of ln(K/F). */
  skewSlope: number | null;
  svi: SviParams | null;
  /** RMS of fitted − market IV over the fitted points, weighted as the fit was, vol points. */
  fitRmse: number | null;
  points: number;
  butterflyArbitrage: boolean | null;
  /** Set by `flagCalendarArbitrage`; null until compared with another expiry. */
  calendarArbitrage: boolean | null;
}

export interface SmileIv {
  /** ln(K/F). */
  k: number;
  /** Annual decimal. */
  iv: number;
  /** The IV's uncertainty from the quote (annual decimal); the fit weighs points by 1/uncertainty². Default: equal weights. */
  uncertainty?: number;
}

/** Floor of a point's IV uncertainty in the weights (0.05 vol points): no single quote dominates the fit. */
const MIN_IV_UNCERTAINTY = 0.0005;

const volAt = (p: SviParams, k: number, T: number): number => Math.sqrt(Math.max(sviTotalVariance(p, k), 0) / T);

/** k where the forward call delta N(d1) equals `target`, by bisection (d1 falls as k rises for any sane smile). */
function strikeAtDelta(p: SviParams, target: number): number | null {
  const nd1 = (k: number): number => {
    const w = Math.max(sviTotalVariance(p, k), 1e-16);
    return normCdf(-k / Math.sqrt(w) + Math.sqrt(w) / 2);
  };
  let lo = -3;
  let hi = 3;
  if (!(nd1(lo) > target && nd1(hi) < target)) return null;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (nd1(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Fits one expiry's smile (out-of-the-money IVs) and reads the slice's numbers off the fit. */
export function surfaceSlice(smile: readonly SmileIv[], T: number): SurfaceSlice {
  // Total-variance error of a point = 2σT·(IV error): weigh each by the inverse square of that.
  const points: SmilePoint[] = smile.map((p) => ({
    k: p.k, w: p.iv * p.iv * T,
    weight: p.uncertainty === undefined ? 1 : 1 / (2 * p.iv * T * Math.max(p.uncertainty, MIN_IV_UNCERTAINTY)) ** 2,
  }));
  const fit = T > 0 ? fitSvi(points) : null;
  const empty: SurfaceSlice = {
    yearsToExpiry: T, atmIv: null, rr25: null, bf25: null, skewSlope: null, svi: null, fitRmse: null,
    points: smile.length, butterflyArbitrage: null, calendarArbitrage: null,
  };
  if (!fit) return empty;
  const p = fit.params;
  const atm = volAt(p, 0, T);
  let se = 0;
  let sw = 0;
  for (const [i, q] of smile.entries()) {
    se += points[i]!.weight! * (volAt(p, q.k, T) - q.iv) ** 2;
    sw += points[i]!.weight!;
  }
  const kc = strikeAtDelta(p, 0.25);
  const kp = strikeAtDelta(p, 0.75);
  const c25 = kc === null ? null : volAt(p, kc, T);
  const p25 = kp === null ? null : volAt(p, kp, T);
  const { w, w1 } = sviDerivatives(p, 0);
  return {
    ...empty,
    atmIv: atm * 100,
    rr25: c25 !== null && p25 !== null ? (c25 - p25) * 100 : null,
    bf25: c25 !== null && p25 !== null ? ((c25 + p25) / 2 - atm) * 100 : null,
    // σ = √(w/T) ⇒ dσ/dk = w′ / (2·√(w·T)).
    skewSlope: w > 0 ? (w1 / (2 * Math.sqrt(w * T))) * 100 : null,
    svi: p,
    fitRmse: Math.sqrt(se / sw) * 100,
    butterflyArbitrage: hasButterflyArbitrage(p),
  };
}

/**
 * Sets `calendarArbitrage` on every slice with a fit: true when its total variance crosses that of the next
 * shorter or next longer fitted expiry somewhere on the grid. Slices are those of one underlying and minute.
 */
export function flagCalendarArbitrage<S extends Pick<SurfaceSlice, 'yearsToExpiry' | 'svi' | 'calendarArbitrage'>>(slices: readonly S[]): S[] {
  const fitted = slices.filter((s) => s.svi).sort((a, b) => a.yearsToExpiry - b.yearsToExpiry);
  const flags = new Map<S, boolean>(fitted.map((s) => [s, false]));
  for (let i = 1; i < fitted.length; i++) {
    const [earlier, later] = [fitted[i - 1]!, fitted[i]!];
    if (later.yearsToExpiry > earlier.yearsToExpiry && hasCalendarArbitrage(earlier.svi!, later.svi!)) {
      flags.set(earlier, true);
      flags.set(later, true);
    }
  }
  return slices.map((s) => (flags.has(s) ? { ...s, calendarArbitrage: flags.get(s)! } : s));
}
