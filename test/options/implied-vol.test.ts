import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { black76Price, blackScholesPrice, impliedVol, type OptionRight } from '../../src/options/index.js';

describe('impliedVol round trip', () => {
  const grid: [number, number, number, OptionRight][] = [];
  // Log-moneyness from deep ITM to deep OTM, expiries from 1 hour to 2 years, both rights.
  for (const right of ['call', 'put'] as const) {
    for (const k of [-0.4, -0.15, -0.03, 0, 0.02, 0.1, 0.3]) {
      for (const T of [1 / (365 * 24), 1 / 365, 7 / 365, 0.25, 2]) {
        for (const sigma of [0.08, 0.25, 0.9]) grid.push([k, T, sigma, right]);
      }
    }
  }

  it('recovers σ wherever the price carries enough time value to identify it', () => {
    const F = 400,
      r = 0.035;
    let checked = 0;
    for (const [k, T, sigma, right] of grid) {
      const K = F * Math.exp(k);
      const price = black76Price(F, K, T, r, sigma, right);
      const intrinsic = Math.exp(-r * T) * Math.max(right === 'call' ? F - K : K - F, 0);
      // Below ~1e-10 of F the time value is at the mercy of double rounding: a σ, if one is returned,
      // must reproduce the price; otherwise the reason must say there is no time value.
      if (price - intrinsic < 1e-10 * F) {
        const tiny = impliedVol(price, F, K, T, r, right);
        if (tiny.iv === null) expect(tiny.reason).toBe('no_time_value');
        else expect(Math.abs(black76Price(F, K, T, r, tiny.iv, right) - price)).toBeLessThan(1e-12 * F);
        continue;
      }
      const res = impliedVol(price, F, K, T, r, right);
      expect(res.reason, `k=${k} T=${T} σ=${sigma} ${right}: ${res.message}`).toBeUndefined();
      // Price must be reproduced; σ itself to 1e-6 unless vega is tiny relative to the price.
      expect(black76Price(F, K, T, r, res.iv!, right)).toBeCloseTo(price, 9);
      if (price - intrinsic > 1e-6 * F) expect(Math.abs(res.iv! - sigma)).toBeLessThan(1e-6);
      checked++;
    }
    expect(checked).toBeGreaterThan(grid.length / 2); // the loop really tested most of the grid
  });

  it('round-trips random inputs (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.double({ min: 1 / 365, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1.2, noNaN: true }),
        fc.boolean(),
        (k, T, sigma, isCall) => {
          const F = 350,
            r = 0.03,
            K = F * Math.exp(k),
            right: OptionRight = isCall ? 'call' : 'put';
          const price = black76Price(F, K, T, r, sigma, right);
          const intrinsic = Math.exp(-r * T) * Math.max(isCall ? F - K : K - F, 0);
          if (price - intrinsic < 1e-6 * F) return;
          const res = impliedVol(price, F, K, T, r, right);
          if (res.iv === null) throw new Error(`no IV: ${res.message}`);
          expect(Math.abs(res.iv - sigma)).toBeLessThan(1e-6);
          expect(res.iterations).toBeLessThan(60);
        },
      ),
    );
  });

  it('solves broker-style Black–Scholes on spot with a dividend yield', () => {
    const S = 402,
      K = 410,
      T = 20 / 365,
      r = 0.032,
      q = 0.017,
      sigma = 0.21;
    const price = blackScholesPrice(S, K, T, r, q, sigma, 'put');
    const res = impliedVol(price, S, K, T, r, 'put', 'black-scholes', { dividendYield: q });
    expect(res.iv).toBeCloseTo(sigma, 9);
    // Read as Black-76 with the spot as "forward", the same price means a different σ.
    expect(impliedVol(price, S, K, T, r, 'put').iv).not.toBeCloseTo(sigma, 3);
  });
});

describe('impliedVol bounds', () => {
  const F = 400,
    K = 380,
    T = 0.1,
    r = 0.03,
    df = Math.exp(-r * T);
  it('reports prices below intrinsic, at intrinsic, and at/above the upper bound with a reason, never NaN', () => {
    expect(impliedVol(df * 20 - 0.5, F, K, T, r, 'call')).toMatchObject({
      iv: null,
      reason: 'below_intrinsic',
    });
    expect(impliedVol(df * 20, F, K, T, r, 'call')).toMatchObject({ iv: null, reason: 'no_time_value' });
    expect(impliedVol(0, F, 420, T, r, 'call')).toMatchObject({ iv: null, reason: 'no_time_value' });
    expect(impliedVol(df * F, F, K, T, r, 'call')).toMatchObject({ iv: null, reason: 'above_upper_bound' });
    expect(impliedVol(df * K + 1, F, K, T, r, 'put')).toMatchObject({
      iv: null,
      reason: 'above_upper_bound',
    });
    const res = impliedVol(-1, F, K, T, r, 'put');
    expect(res.iv).toBeNull();
    expect(res.message).toMatch(/below/);
  });
  it('rejects invalid inputs with a message naming the bad value', () => {
    expect(impliedVol(Number.NaN, F, K, T, r, 'call')).toMatchObject({ iv: null, reason: 'invalid_input' });
    expect(impliedVol(5, F, K, 0, r, 'call').message).toMatch(/time to expiry/);
    expect(impliedVol(5, 0, K, T, r, 'call').message).toMatch(/underlying/);
    expect(impliedVol(5, F, K, T, r, 'straddle' as OptionRight).reason).toBe('invalid_input');
  });
  it('handles a price just above intrinsic (deep ITM, tiny time value)', () => {
    const price = black76Price(F, 300, 2 / 365, r, 0.3, 'call');
    const res = impliedVol(price, F, 300, 2 / 365, r, 'call');
    // Time value ≈ 0 in double precision: either identified correctly or reported, not NaN.
    if (res.iv === null) expect(res.reason).toBe('no_time_value');
    else expect(black76Price(F, 300, 2 / 365, r, res.iv, 'call')).toBeCloseTo(price, 10);
  });
});
