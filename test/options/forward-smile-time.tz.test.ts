import { describe, expect, it } from 'vitest';
import {
  black76Price,
  expiryClose,
  impliedForward,
  OptionInputError,
  quadraticSmile,
  sviFromAtm,
  sviTotalVariance,
  sviVol,
  validateSvi,
  yearFraction,
} from '../../src/options/index.js';
import { kstTime, parseKstDate } from '../../src/time/kst.js';

describe('yearFraction / expiryClose', () => {
  it('counts calendar time to the 15:20 close of the expiry day, /365', () => {
    const close = expiryClose(parseKstDate('2026-12-10'));
    expect(close).toBe(kstTime(2026, 12, 10, 15, 20));
    expect(yearFraction(kstTime(2026, 12, 10, 9, 20), close)).toBeCloseTo(6 / 24 / 365, 15);
    // Weekends count: Friday 15:20 → next Thursday 15:20 is 6 days.
    expect(yearFraction(kstTime(2026, 12, 4, 15, 20), close)).toBeCloseTo(6 / 365, 15);
    expect(yearFraction(kstTime(2026, 12, 10, 15, 21), close)).toBe(0);
  });
  it('takes the calendar close on shifted days (CSAT: 16:20)', () => {
    expect(expiryClose(parseKstDate('2026-11-19'), 16 * 60 + 20)).toBe(kstTime(2026, 11, 19, 16, 20));
    expect(() => expiryClose(parseKstDate('2026-11-19'), 1500)).toThrow(OptionInputError);
  });
});

describe('impliedForward', () => {
  const F = 402.37,
    r = 0.034,
    T = 17 / 365;
  const chain = [385, 390, 395, 400, 402.5, 405, 410, 415].map((K) => ({
    strike: K,
    call: black76Price(F, K, T, r, 0.2, 'call'),
    put: black76Price(F, K, T, r, 0.2, 'put'),
  }));
  it('recovers the forward from put–call parity', () => {
    const res = impliedForward(chain, r, T);
    expect(res!.forward).toBeCloseTo(F, 9);
    expect(res!.strikesUsed).toEqual([400, 402.5, 405]);
  });
  it('ignores one stale near-the-money quote and strikes without both prices', () => {
    const noisy = chain.map((q) => (q.strike === 402.5 ? { ...q, call: q.call + 0.8 } : q));
    noisy.push({ strike: 401, call: 3, put: null as unknown as number });
    expect(impliedForward(noisy, r, T)!.forward).toBeCloseTo(F, 6);
  });
  it('returns null when no strike has both prices', () => {
    expect(
      impliedForward(
        [
          { strike: 400, call: 5, put: 0 },
          { strike: 405, call: null, put: 4 },
        ],
        r,
        T,
      ),
    ).toBeNull();
  });
});

describe('smiles', () => {
  it('SVI built from an ATM vol returns it at the money and is skewed as asked', () => {
    const T = 30 / 365;
    const p = sviFromAtm(0.2, T, { b: 0.05, rho: -0.6, s: 0.1 });
    expect(sviVol(p, 0, T)).toBeCloseTo(0.2, 12);
    expect(sviVol(p, -0.1, T)).toBeGreaterThan(sviVol(p, 0.1, T));
    expect(sviTotalVariance(p, 0.5)).toBeGreaterThan(0);
  });
  it('rejects SVI parameters that would give negative variance', () => {
    expect(() => validateSvi({ a: -0.1, b: 0.05, rho: 0, m: 0, s: 0.1 })).toThrow(/negative variance/);
    expect(() => validateSvi({ a: 0.01, b: 0.05, rho: 1.2, m: 0, s: 0.1 })).toThrow(/rho/);
  });
  it('quadratic smile applies skew, curvature and floor', () => {
    const p = { atmVol: 0.2, skew: -0.3, curvature: 1, floor: 0.05 };
    expect(quadraticSmile(p, 0.1)).toBeCloseTo(0.2 - 0.03 + 0.01, 15);
    expect(quadraticSmile({ ...p, skew: -5, curvature: 0 }, 0.1)).toBe(0.05);
  });
});
