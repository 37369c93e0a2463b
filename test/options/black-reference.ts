/**
 * Black-76 in arbitrary precision (decimal.js, 50 significant digits): the reference the IV solver is
 * measured against. Φ comes from the Taylor series of erf for |z| < 7 (the terms alternate, so
 * 50 digits leave ≥ 27 after the cancellation) and from Laplace's continued fraction beyond.
 */
import { Decimal } from 'decimal.js';

const D = Decimal.clone({ precision: 50 });
const SQRT2 = D.sqrt(2);
const SQRT_PI = D.sqrt(D.acos(-1));
const TINY = new D('1e-60');

/** erfc(x) to ~45 significant digits. */
export function erfcReference(x: Decimal): Decimal {
  if (x.isNegative()) return new D(2).minus(erfcReference(x.neg()));
  if (x.lt(5)) {
    // erf(x) = 2/√π · Σ (−1)^n x^{2n+1} / (n!·(2n+1))
    const x2 = x.mul(x);
    let term = x;
    let sum = new D(0);
    for (let n = 0; n < 2000; n++) {
      const t = term.div(2 * n + 1);
      sum = sum.plus(t);
      if (t.abs().lt(TINY)) break;
      term = term
        .mul(x2)
        .neg()
        .div(n + 1);
    }
    return new D(1).minus(sum.mul(2).div(SQRT_PI));
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up.
  const terms = Math.ceil(400 / x.toNumber());
  let f = new D(0);
  for (let n = terms; n >= 1; n--) f = new D(n).div(2).div(x.plus(f));
  return x.mul(x).neg().exp().div(SQRT_PI).div(x.plus(f));
}

/** Φ(z) = erfc(−z/√2)/2. */
export const normCdfReference = (z: Decimal): Decimal => erfcReference(z.neg().div(SQRT2)).div(2);
const Phi = normCdfReference;

export interface ReferenceOption {
  F: number;
  K: number;
  T: number;
}

/** Exact undiscounted out-of-the-money price (call if K ≥ F, else put) at volatility σ. */
export function otmPrice({ F, K, T }: ReferenceOption, sigma: number | Decimal): Decimal {
  const f = new D(F);
  const k = new D(K);
  const sd = new D(sigma).mul(D.sqrt(T));
  const d1 = f.div(k).ln().div(sd).plus(sd.div(2));
  const d2 = d1.minus(sd);
  return K >= F ? f.mul(Phi(d1)).minus(k.mul(Phi(d2))) : k.mul(Phi(d2.neg())).minus(f.mul(Phi(d1.neg())));
}

/** Exact undiscounted vega ∂price/∂σ = F·φ(d1)·√T. */
export function vega({ F, K, T }: ReferenceOption, sigma: number): Decimal {
  const sqrtT = D.sqrt(T);
  const sd = new D(sigma).mul(sqrtT);
  const d1 = new D(F).div(K).ln().div(sd).plus(sd.div(2));
  return new D(F)
    .mul(d1.mul(d1).div(-2).exp())
    .div(D.sqrt(D.acos(-1).mul(2)))
    .mul(sqrtT);
}

/** Exact intrinsic value of the in-the-money option at this strike. */
export function intrinsic({ F, K }: ReferenceOption): Decimal {
  return new D(F).minus(K).abs();
}

export { D as Decimal };

/** Exact normalised Black b(x,s) = Φ(h+t)·e^{x/2} − Φ(h−t)·e^{−x/2}, h = x/s, t = s/2. */
export function normalisedBlackReference(x: number, s: number): Decimal {
  const X = new D(x);
  const h = X.div(s);
  const t = new D(s).div(2);
  return Phi(h.plus(t))
    .mul(X.div(2).exp())
    .minus(Phi(h.minus(t)).mul(X.div(-2).exp()));
}
