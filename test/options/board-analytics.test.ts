import { describe, expect, it } from 'vitest';
import { black76Price } from '../../src/options/index.js';
import { analyseBoard, type AnalyticsQuote } from '../../src/options/board-analytics.js';
import { boardForward } from '../../src/options/forward.js';
import { flagCalendarArbitrage, surfaceSlice } from '../../src/options/surface.js';
import { fitSvi, hasButterflyArbitrage, sviDensity } from '../../src/options/svi-fit.js';
import { sviTotalVariance } from '../../src/options/smile.js';
import { modelVol } from '../../src/sim/market/pricing.js';

const tick = (p: number): number => (p < 10 ? 0.01 : 0.05);
const roundTo = (p: number, t: number): number => Math.round(p / t) * t;

/** A board priced as the simulator prices it: its SVI smile on a known forward, quotes one tick either side. */
function simBoard(F: number, T: number, r: number, move = 0): AnalyticsQuote[] {
  const quotes: AnalyticsQuote[] = [];
  for (let K = 300; K <= 500; K += 2.5) {
    const vol = modelVol({ atmVol: 0.17, move }, F, K, T);
    for (const right of ['call', 'put'] as const) {
      const fair = black76Price(F, K, T, r, vol, right);
      const t = tick(fair);
      const mid = roundTo(fair, t);
      if (mid < t) continue; // KRX lists no price below one tick
      quotes.push({ right, strike: K, price: mid, bid: mid - t > 0 ? mid - t : null, ask: mid + t });
    }
  }
  return quotes;
}

describe('boardForward', () => {
  const F = 402.37, r = 0.034, T = 17 / 365;
  const quotes = simBoard(F, T, r);
  it("recovers the simulator's forward within the spread of the strikes it used", () => {
    const res = analyseBoard({ quotes, rate: r, yearsToExpiry: T }).forward!;
    expect(res.source).toBe('parity');
    expect(res.uncertainty).toBeGreaterThan(0);
    expect(Math.abs(res.forward - F)).toBeLessThanOrEqual(res.uncertainty!);
  });
  it('discards a strike with a stale last trade instead of being dragged by it', () => {
    const stale = quotes.map((q) => (q.strike === 402.5 && q.right === 'call' ? { ...q, bid: null, ask: null, price: q.price! + 3 } : q));
    const res = analyseBoard({ quotes: stale, rate: r, yearsToExpiry: T }).forward!;
    expect(res.strikesDiscarded).toContain(402.5);
    expect(Math.abs(res.forward - F)).toBeLessThan(0.1);
  });
  it('falls back to the futures carried to the expiry, then to the index carried', () => {
    const calls = [{ strike: 400, call: { last: 5, bid: null, ask: null }, put: { last: null, bid: null, ask: null } }];
    const fut = boardForward(calls, r, T, { futures: { price: 403, yearsToExpiry: T + 7 / 365 }, spot: 401 })!;
    expect(fut.source).toBe('futures');
    expect(fut.forward).toBeCloseTo(403 * Math.exp(-r * 7 / 365), 10);
    const spot = boardForward(calls, r, T, { spot: 401 })!;
    expect(spot).toMatchObject({ source: 'spot_carry', uncertainty: null });
    expect(spot.forward).toBeCloseTo(401 * Math.exp(r * T), 10);
    expect(boardForward(calls, r, T)).toBeNull();
  });
});

describe('own IV and greeks', () => {
  const F = 402.37, r = 0.034, T = 17 / 365;
  it('gives every priced option an IV (never 0) or null with the reason', () => {
    const quotes = [...simBoard(F, T, r), { right: 'call' as const, strike: 520, price: null, bid: null, ask: null }, { right: 'put' as const, strike: 350, price: 0.01, bid: null, ask: null }];
    // A put far below its intrinsic value: 440 put at 0.5 with F ≈ 402 is fine; make one below intrinsic.
    quotes.push({ right: 'put', strike: 480, price: 10, bid: null, ask: null });
    const a = analyseBoard({ quotes, rate: r, yearsToExpiry: T });
    expect(a.quotes).toHaveLength(quotes.length);
    for (const q of a.quotes) {
      if (q.iv === null) expect(q.ivMissing).not.toBeNull();
      else expect(q.iv).toBeGreaterThan(0);
    }
    expect(a.quotes.at(-3)).toMatchObject({ iv: null, ivMissing: 'no_price', delta: null });
    expect(a.quotes.at(-1)).toMatchObject({ iv: null, ivMissing: 'below_intrinsic' });
    const atmCall = a.quotes[quotes.findIndex((q) => q.strike === 402.5 && q.right === 'call')]!;
    expect(atmCall.iv!).toBeCloseTo(modelVol({ atmVol: 0.17, move: 0 }, F, 402.5, T) * 100, 0);
    expect(atmCall.delta!).toBeGreaterThan(0.4);
    expect(atmCall.delta!).toBeLessThan(0.6);
  });
  it('has no forward and no IVs after the expiry close', () => {
    const a = analyseBoard({ quotes: simBoard(F, T, r), rate: r, yearsToExpiry: 0 });
    expect(a.quotes.every((q) => q.iv === null && q.ivMissing === 'expired')).toBe(true);
    expect(a.surface.svi).toBeNull();
  });
});

describe('volatility surface', () => {
  const F = 402.37, r = 0.034;
  it("fits the simulator's smile (known SVI) to within a fraction of a vol point", () => {
    for (const [T, move] of [[17 / 365, 0], [3 / 365, -0.02], [45 / 365, 0.01]] as const) {
      const a = analyseBoard({ quotes: simBoard(F, T, r, move), rate: r, yearsToExpiry: T });
      const s = a.surface;
      const known = (K: number): number => modelVol({ atmVol: 0.17, move }, F, K, T) * 100;
      expect(s.svi).not.toBeNull();
      expect(s.fitRmse!).toBeLessThan(0.5);
      expect(s.atmIv!).toBeCloseTo(known(F), 0);
      for (const K of [F * 0.95, F * 0.98, F * 1.02, F * 1.05]) {
        const fitted = Math.sqrt(sviTotalVariance(s.svi!, Math.log(K / F)) / T) * 100;
        expect(Math.abs(fitted - known(K))).toBeLessThan(0.5);
      }
      // The simulator's ρ = −0.55: puts richer, a negative risk reversal and skew slope, a positive butterfly.
      expect(s.rr25!).toBeLessThan(0);
      expect(s.skewSlope!).toBeLessThan(0);
      expect(s.bf25!).toBeGreaterThan(0);
      expect(s.butterflyArbitrage).toBe(false);
    }
  });
  it('recovers exact SVI parameters from exact points', () => {
    const p = { a: 0.002, b: 0.02, rho: -0.4, m: 0.01, s: 0.05 };
    const pts = Array.from({ length: 41 }, (_, i) => -0.3 + i * 0.015).map((k) => ({ k, w: sviTotalVariance(p, k) }));
    const fit = fitSvi(pts)!;
    expect(fit.rmseW).toBeLessThan(1e-7);
    for (const k of [-0.2, 0, 0.2]) expect(sviTotalVariance(fit.params, k)).toBeCloseTo(sviTotalVariance(p, k), 7);
    expect(fitSvi(pts.slice(0, 4))).toBeNull();
  });
  it('flags butterfly arbitrage where the density goes negative', () => {
    const bad = { a: 0.001, b: 0.5, rho: -0.99, m: 0, s: 0.01 };
    expect(Math.min(...Array.from({ length: 61 }, (_, i) => sviDensity(bad, -1.5 + i * 0.05)))).toBeLessThan(0);
    expect(hasButterflyArbitrage(bad)).toBe(true);
  });
  it('flags calendar arbitrage when a later expiry has less total variance', () => {
    const smile = (vol: number): { k: number; iv: number }[] => Array.from({ length: 11 }, (_, i) => ({ k: -0.1 + i * 0.02, iv: vol + 0.1 * (-0.1 + i * 0.02) ** 2 }));
    const near = surfaceSlice(smile(0.3), 7 / 365);
    const far = surfaceSlice(smile(0.1), 30 / 365); // 0.1²·30 < 0.3²·7: total variance falls
    const farOk = surfaceSlice(smile(0.3), 30 / 365);
    expect(flagCalendarArbitrage([near, far]).map((s) => s.calendarArbitrage)).toEqual([true, true]);
    expect(flagCalendarArbitrage([near, farOk]).map((s) => s.calendarArbitrage)).toEqual([false, false]);
    expect(flagCalendarArbitrage([near])[0]!.calendarArbitrage).toBe(false);
  });
});
