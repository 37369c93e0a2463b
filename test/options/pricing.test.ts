import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  black76Greeks,
  black76Price,
  blackScholesGreeks,
  blackScholesPrice,
  normCdf,
  normPdf,
  OptionInputError,
  type Greeks,
  type OptionRight,
} from '../../src/options/index.js';
import { normCdfReference } from '../../src/options/normal.js';

// Reference values of Φ computed independently with mpmath (40 digits).
const PHI_REFERENCE: [number, number][] = [
  [-20, 2.7536241186062337e-89],
  [-10, 7.619853024160525e-24],
  [-8, 6.220960574271784e-16],
  [-5, 2.866515718791939e-7],
  [-3, 0.0013498980316300946],
  [-1, 0.15865525393145705],
  [0.3, 0.6179114221889527],
  [2.5, 0.9937903346742238],
];

describe('normal distribution', () => {
  it('matches high-precision reference values with relative accuracy, tails included', () => {
    for (const [x, ref] of PHI_REFERENCE) expect(Math.abs(normCdf(x) - ref) / ref).toBeLessThan(1e-13);
  });
  it('is symmetric, monotone, and its derivative is the density', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        expect(normCdf(x) + normCdf(-x)).toBeCloseTo(1, 14);
        expect(normCdf(x + 1e-3)).toBeGreaterThanOrEqual(normCdf(x));
        if (x < 0) expect(normCdf(x + 1e-3)).toBeGreaterThan(normCdf(x));
        const h = 1e-5;
        expect((normCdf(x + h) - normCdf(x - h)) / (2 * h)).toBeCloseTo(normPdf(x), 8);
      }),
    );
  });
});

describe('Black-76', () => {
  it('prices the ATM option by the closed form F·(2N(σ√T/2) − 1)·e^{-rT}', () => {
    const F = 400,
      T = 0.25,
      r = 0.035,
      s = 0.18;
    const expected = Math.exp(-r * T) * F * (2 * normCdf((s * Math.sqrt(T)) / 2) - 1);
    expect(black76Price(F, F, T, r, s, 'call')).toBeCloseTo(expected, 12);
    expect(black76Price(F, F, T, r, s, 'put')).toBeCloseTo(expected, 12);
  });

  it('satisfies put–call parity C − P = e^{-rT}(F − K)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 1500, noNaN: true }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        fc.double({ min: 1e-4, max: 3, noNaN: true }),
        fc.double({ min: -0.01, max: 0.1, noNaN: true }),
        fc.double({ min: 0.01, max: 1.5, noNaN: true }),
        (F, m, T, r, s) => {
          const K = F * m;
          const lhs = black76Price(F, K, T, r, s, 'call') - black76Price(F, K, T, r, s, 'put');
          expect(lhs).toBeCloseTo(Math.exp(-r * T) * (F - K), 8);
        },
      ),
    );
  });

  it('is the discounted intrinsic value at expiry or zero vol, with a step delta', () => {
    const g = black76Greeks(410, 400, 0, 0.03, 0.2, 'call');
    expect(g.price).toBe(10);
    expect(g.delta).toBe(1);
    expect(g.gamma).toBe(0);
    expect(black76Price(390, 400, 0.5, 0.03, 0, 'put')).toBeCloseTo(10 * Math.exp(-0.015), 12);
    expect(black76Greeks(390, 400, 0.5, 0.03, 0, 'call').delta).toBe(0);
  });

  it('rejects unusable inputs with an error naming the argument', () => {
    expect(() => black76Price(-1, 400, 0.1, 0.03, 0.2, 'call')).toThrow(/forward/);
    expect(() => black76Price(400, Number.NaN, 0.1, 0.03, 0.2, 'call')).toThrow(/strike/);
    expect(() => black76Price(400, 400, -0.1, 0.03, 0.2, 'call')).toThrow(/time to expiry/);
    expect(() => black76Price(400, 400, 0.1, 0.03, -0.2, 'put')).toThrow(/volatility/);
    expect(() => black76Price(400, 400, 0.1, 0.03, 0.2, 'cal' as OptionRight)).toThrow(OptionInputError);
  });
});

describe('Black–Scholes on spot', () => {
  it('rejects unusable inputs naming the spot and the dividend yield', () => {
    expect(() => blackScholesPrice(0, 400, 0.1, 0.03, 0, 0.2, 'call')).toThrow(/^spot must be a finite number > 0, got 0$/);
    expect(() => blackScholesPrice(400, 400, 0.1, 0.03, Number.NaN, 0.2, 'call')).toThrow(/^dividend yield must be/);
    expect(() => blackScholesGreeks(400, 400, 0.1, 0.03, 0, Number.POSITIVE_INFINITY, 'put')).toThrow(OptionInputError);
  });

  it('equals Black-76 on the forward S·e^{(r−q)T}', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 100, max: 1000, noNaN: true }),
        fc.double({ min: 0.7, max: 1.3, noNaN: true }),
        fc.double({ min: 1e-3, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 0.08, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.boolean(),
        (S, m, T, r, q, s, isCall) => {
          const right: OptionRight = isCall ? 'call' : 'put';
          const F = S * Math.exp((r - q) * T);
          expect(blackScholesPrice(S, S * m, T, r, q, s, right)).toBeCloseTo(
            black76Price(F, S * m, T, r, s, right),
            8,
          );
        },
      ),
    );
  });
});

type Model = (x: number, K: number, T: number, r: number, s: number, right: OptionRight) => Greeks;
const models: [string, Model][] = [
  ['black76', black76Greeks],
  ['black-scholes (q = 1.5%)', (S, K, T, r, s, right) => blackScholesGreeks(S, K, T, r, 0.015, s, right)],
];

describe.each(models)('%s greeks vs finite differences', (_name, model) => {
  const cases: [number, number, number, number, number, OptionRight][] = [];
  for (const right of ['call', 'put'] as const) {
    for (const K of [340, 380, 400, 420, 470]) {
      for (const T of [2 / 365, 30 / 365, 1.2]) cases.push([400, K, T, 0.035, 0.22, right]);
    }
  }
  it.each(cases)('F=%d K=%d T=%f r=%f σ=%f %s', (x, K, T, r, s, right) => {
    const g = model(x, K, T, r, s, right);
    const p = (dx = 0, dT = 0, dr = 0, ds = 0): number =>
      model(x + dx, K, T + dT, r + dr, s + ds, right).price;
    const hx = x * 1e-4,
      hT = Math.min(T / 100, 1e-4),
      hr = 1e-5,
      hs = 1e-5;
    const tol = (v: number): number => 1e-5 * Math.max(1, Math.abs(v));
    expect(Math.abs(g.delta - (p(hx) - p(-hx)) / (2 * hx))).toBeLessThan(tol(g.delta));
    expect(Math.abs(g.gamma - (p(hx) - 2 * p() + p(-hx)) / (hx * hx))).toBeLessThan(
      1e-4 * Math.max(g.gamma, 1e-3),
    );
    // theta per calendar day: −∂V/∂T / 365; vega per vol point; rho per percentage point.
    expect(Math.abs(g.theta - -(p(0, hT) - p(0, -hT)) / (2 * hT) / 365)).toBeLessThan(tol(g.theta));
    expect(Math.abs(g.vega - (p(0, 0, 0, hs) - p(0, 0, 0, -hs)) / (2 * hs) / 100)).toBeLessThan(tol(g.vega));
    expect(Math.abs(g.rho - (p(0, 0, hr) - p(0, 0, -hr)) / (2 * hr) / 100)).toBeLessThan(tol(g.rho));
    expect(g.price).toBeCloseTo(p(), 14);
  });
});

describe('normCdf (Cody) against the series / continued-fraction reference', () => {
  // Both are bound by e^{−x²/2}, whose relative error is ≈ x²·ε from rounding x² alone; the reference's series
  // is accurate to ~1e-16 absolute near |x| = 2, a few 1e-15 relative.
  it('agrees to 1e-14·max(1, x²) relative from −37 to 8', () => {
    let worst = 0;
    for (let x = -37; x <= 8; x += 0.0137) worst = Math.max(worst, Math.abs(normCdf(x) - normCdfReference(x)) / normCdfReference(x) / Math.max(1, x * x));
    expect(worst).toBeLessThan(1e-14);
  });
});
