/**
 * Fitting Gatheral's raw SVI to one expiry's smile, and the static-arbitrage checks of a fitted surface.
 *
 * The fit is Zeliade's quasi-explicit method: for a fixed (m, s) the total variance
 * w(k) = a + d·y + c·√(y² + 1), y = (k − m)/s (c = b·s, d = ρ·b·s), is linear in (a, d, c), so the best
 * (a, d, c) under 0 ≤ c, |d| ≤ c is a 3×3 least-squares solve (or one on the constraint's edge); only
 * (m, s) are searched, by Nelder–Mead. It needs no starting guess for the slopes and takes well under a
 * millisecond for a hundred strikes.
 *
 * Arbitrage (Gatheral & Jacquier 2014): a smile is free of butterfly arbitrage where the density
 * g(k) = (1 − k·w′/(2w))² − (w′²/4)·(1/w + 1/4) + w″/2 is ≥ 0; two expiries are free of calendar
 * arbitrage where the total variance of the later one is ≥ that of the earlier one at every k.
 */
import { sviTotalVariance, type SviParams } from './smile.js';

export interface SmilePoint {
  /** ln(K/F). */
  k: number;
  /** Total implied variance σ²T. */
  w: number;
  /** Relative weight in the least squares (default 1): e.g. 1/uncertainty² of the quote's IV. */
  weight?: number;
}

export interface SviFit {
  params: SviParams;
  /** Weighted root-mean-square error of the fitted total variance at the points. */
  rmseW: number;
}

/** Fewest points a five-parameter fit is attempted on. */
export const MIN_SVI_POINTS = 5;

/** Best raw SVI for the points, or null with fewer than `MIN_SVI_POINTS` usable points. */
export function fitSvi(points: readonly SmilePoint[]): SviFit | null {
  const pts = points.filter((p) => Number.isFinite(p.k) && Number.isFinite(p.w) && p.w > 0 && (p.weight ?? 1) > 0);
  const totalWeight = pts.reduce((sum, p) => sum + (p.weight ?? 1), 0);
  if (pts.length < MIN_SVI_POINTS) return null;
  const ks = pts.map((p) => p.k);
  const kMin = Math.min(...ks);
  const kMax = Math.max(...ks);
  const span = Math.max(kMax - kMin, 1e-4);
  const kAtMinW = pts.reduce((best, p) => (p.w < best.w ? p : best)).k;
  // The points as flat arrays: the objective runs a few hundred times per fit.
  const cols = { k: Float64Array.from(pts, (p) => p.k), w: Float64Array.from(pts, (p) => p.w), q: Float64Array.from(pts, (p) => p.weight ?? 1) };
  // Search s on a log scale so it stays positive; a few starts guard against a local minimum.
  const objective = (x: readonly number[]): number => innerFit(cols, x[0]!, Math.exp(x[1]!)).sse;
  let best: { x: number[]; f: number } | null = null;
  for (const [m0, s0] of [[kAtMinW, 0.1 * span], [0, 0.02 * span]] as const) {
    const r = nelderMead(objective, [m0, Math.log(Math.max(s0, 1e-4))], [0.1 * span, 1]);
    if (!best || r.f < best.f) best = r;
  }
  const m = best!.x[0]!;
  const s = Math.exp(best!.x[1]!);
  const { a, d, c } = innerFit(cols, m, s);
  const b = c / s;
  const rho = c > 0 ? Math.max(-0.999999, Math.min(0.999999, d / c)) : 0;
  const params = { a, b, rho, m, s };
  return { params, rmseW: Math.sqrt(residualSum(pts, params) / totalWeight) };
}

/** Normal-equation sums of w ≈ a + d·y + c·z (y = (k − m)/s, z = √(y² + 1)); reused, the fit's hot loop allocates nothing. */
const S = new Float64Array(10);
const [N, SY, SZ, SYY, SZZ, SYZ, SW, SYW, SZW, SWW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

/** Weighted residual sum of squares of (a, d, c) from the sums. */
function sumsSse(a: number, d: number, c: number): number {
  const e = S[SWW]! - 2 * (a * S[SW]! + d * S[SYW]! + c * S[SZW]!) + a * a * S[N]! + d * d * S[SYY]! + c * c * S[SZZ]!
    + 2 * (a * d * S[SY]! + a * c * S[SZ]! + d * c * S[SYZ]!);
  return e > 0 ? e : 0;
}

interface Inner { a: number; d: number; c: number; sse: number }

interface Columns { k: Float64Array; w: Float64Array; q: Float64Array }

/** Least squares in (a, d, c) for fixed (m, s), with c ≥ 0 and |d| ≤ c; one pass over the points. */
function innerFit(pts: Columns, m: number, s: number): Inner {
  // Sums in locals (registers), stored once: this loop is the fit's cost.
  let n = 0, sy = 0, sz = 0, syy = 0, szz = 0, syz = 0, sw = 0, syw = 0, szw = 0, sww = 0;
  const { k, w, q } = pts;
  const inv = 1 / s;
  for (let i = 0; i < k.length; i++) {
    const y = (k[i]! - m) * inv;
    const z = Math.sqrt(y * y + 1);
    const qi = q[i]!;
    const wi = w[i]!;
    const qy = qi * y;
    const qz = qi * z;
    n += qi; sy += qy; sz += qz; syy += qy * y; szz += qz * z; syz += qy * z;
    sw += qi * wi; syw += qy * wi; szw += qz * wi; sww += qi * wi * wi;
  }
  S[N] = n; S[SY] = sy; S[SZ] = sz; S[SYY] = syy; S[SZZ] = szz; S[SYZ] = syz; S[SW] = sw; S[SYW] = syw; S[SZW] = szw; S[SWW] = sww;
  const full = solveSym3(S[N]!, S[SY]!, S[SZ]!, S[SYY]!, S[SYZ]!, S[SZZ]!, S[SW]!, S[SYW]!, S[SZW]!);
  if (full && full[2] >= 0 && Math.abs(full[1]) <= full[2]) return { a: full[0], d: full[1], c: full[2], sse: sumsSse(full[0], full[1], full[2]) };
  // The optimum lies on an edge: c = d = 0, or d = ±c (w = a + c·(z ± y), a regression on u = z ± y).
  let best: Inner = { a: S[SW]! / n, d: 0, c: 0, sse: sumsSse(S[SW]! / n, 0, 0) };
  for (const sign of [1, -1]) {
    const su = S[SZ]! + sign * S[SY]!;
    const suu = S[SZZ]! + 2 * sign * S[SYZ]! + S[SYY]!;
    const suw = S[SZW]! + sign * S[SYW]!;
    const det = n * suu - su * su;
    if (!(Math.abs(det) > 1e-300)) continue;
    const c = Math.max(0, (n * suw - su * S[SW]!) / det);
    const a = (S[SW]! - c * su) / n;
    const e = sumsSse(a, sign * c, c);
    if (e < best.sse) best = { a, d: sign * c, c, sse: e };
  }
  return best;
}

/** Weighted residual sum of squares of a parameter set, computed point by point (exact, for the reported error). */
function residualSum(pts: readonly SmilePoint[], p: SviParams): number {
  let e = 0;
  for (const q of pts) e += (q.weight ?? 1) * (sviTotalVariance(p, q.k) - q.w) ** 2;
  return e;
}

/** Solves the symmetric 3×3 system [[a, b, c], [b, d, e], [c, e, f]]·x = r by Cramer's rule; null when singular. */
function solveSym3(a: number, b: number, c: number, d: number, e: number, f: number, r0: number, r1: number, r2: number): [number, number, number] | null {
  const c00 = d * f - e * e;
  const c01 = c * e - b * f;
  const c02 = b * e - c * d;
  const det = a * c00 + b * c01 + c * c02;
  if (!(Math.abs(det) > 1e-300) || !Number.isFinite(det)) return null;
  const x0 = (r0 * c00 + r1 * c01 + r2 * c02) / det;
  const x1 = (r0 * c01 + r1 * (a * f - c * c) + r2 * (b * c - a * e)) / det;
  const x2 = (r0 * c02 + r1 * (b * c - a * e) + r2 * (a * d - b * b)) / det;
  return [x0, x1, x2];
}

/** Nelder–Mead in two dimensions (enough for (m, ln s)). */
function nelderMead(f: (x: readonly number[]) => number, x0: number[], step: number[]): { x: number[]; f: number } {
  let simplex = [x0, [x0[0]! + step[0]!, x0[1]!], [x0[0]!, x0[1]! + step[1]!]].map((x) => ({ x, f: f(x) }));
  for (let iter = 0; iter < 150; iter++) {
    simplex.sort((p, q) => p.f - q.f);
    const [bestP, mid, worst] = simplex as [typeof simplex[0], typeof simplex[0], typeof simplex[0]];
    // Done when the simplex has shrunk below 1e-7 in m and ln s (far below a strike step), or stopped improving.
    const size = Math.max(Math.abs(mid.x[0]! - bestP.x[0]!), Math.abs(mid.x[1]! - bestP.x[1]!), Math.abs(worst.x[0]! - bestP.x[0]!), Math.abs(worst.x[1]! - bestP.x[1]!));
    if (size < 1e-7 || worst.f - bestP.f <= 1e-12 * bestP.f) break;
    const centroid = [0, 1].map((i) => (bestP.x[i]! + mid.x[i]!) / 2);
    const along = (t: number): number[] => centroid.map((c, i) => c + t * (worst.x[i]! - c));
    const refl = { x: along(-1), f: 0 };
    refl.f = f(refl.x);
    if (refl.f < bestP.f) {
      const exp = { x: along(-2), f: 0 };
      exp.f = f(exp.x);
      simplex = [bestP, mid, exp.f < refl.f ? exp : refl];
    } else if (refl.f < mid.f) {
      simplex = [bestP, mid, refl];
    } else {
      const con = { x: along(refl.f < worst.f ? -0.5 : 0.5), f: 0 };
      con.f = f(con.x);
      if (con.f < Math.min(worst.f, refl.f)) simplex = [bestP, mid, con];
      else
        simplex = [bestP, ...[mid, worst].map((p) => {
          const x = p.x.map((v, i) => bestP.x[i]! + 0.5 * (v - bestP.x[i]!));
          return { x, f: f(x) };
        })];
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  return simplex[0]!;
}

/** ∂w/∂k and ∂²w/∂k² of raw SVI. */
export function sviDerivatives(p: SviParams, k: number): { w: number; w1: number; w2: number } {
  const x = k - p.m;
  const r = Math.sqrt(x * x + p.s * p.s);
  return { w: sviTotalVariance(p, k), w1: p.b * (p.rho + x / r), w2: (p.b * p.s * p.s) / (r * r * r) };
}

/** Gatheral's density factor g(k); negative = butterfly arbitrage at k. */
export function sviDensity(p: SviParams, k: number): number {
  const { w, w1, w2 } = sviDerivatives(p, k);
  if (!(w > 0)) return -Infinity;
  const t = 1 - (k * w1) / (2 * w);
  return t * t - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2;
}

/** The k grid the arbitrage checks look at: |ln K/F| ≤ 1.5, every 0.025. */
export const ARBITRAGE_GRID: readonly number[] = Array.from({ length: 121 }, (_, i) => -1.5 + i * 0.025);

/** Whether the fitted smile has butterfly arbitrage (negative density) anywhere on the grid. */
export function hasButterflyArbitrage(p: SviParams, grid: readonly number[] = ARBITRAGE_GRID): boolean {
  return grid.some((k) => sviDensity(p, k) < -1e-9);
}

/** Whether the later expiry's total variance falls below the earlier one's anywhere on the grid. */
export function hasCalendarArbitrage(
  earlier: SviParams,
  later: SviParams,
  grid: readonly number[] = ARBITRAGE_GRID,
): boolean {
  return grid.some((k) => sviTotalVariance(later, k) < sviTotalVariance(earlier, k) - 1e-12);
}
