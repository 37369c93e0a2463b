/**
 * Option chains of the synthetic market: listing and strike ladders, arbitrage-free board prices,
 * IVs recovered from board prices, the board's IV and greeks, and code resolution.
 */
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { frontFuture, listedFutures, tickSize } from '../../src/market/instruments/index.js';
import { black76Greeks, expiryClose, impliedVol, yearFraction } from '../../src/options/index.js';
import { createSimMarket } from '../../src/sim/market/index.js';
import { atMinutes, type KstDate } from '../../src/time/kst.js';

const cal = defaultCalendar();
const D = (s: string): KstDate => s as KstDate;
const m = createSimMarket({ seed: 21 });

describe('listing', () => {
  it('lists 11 monthly expiries and the weeklies of the week, with strikes on the 2.5-point grid', () => {
    const d = D('2026-03-05');
    const monthly = m.optionExpiries('KOSPI200', 'monthly', d);
    expect(monthly).toHaveLength(11);
    expect([...monthly].sort()).toEqual(monthly);
    expect(monthly[0]).toBe(frontFuture('kospi200', d).expiry);
    // Every quarterly future expiry is also an option expiry.
    for (const f of listedFutures('kospi200', d)) expect(monthly).toContain(f.expiry);
    const thu = m.optionExpiries('KOSPI200', 'weekly-thu', D('2026-03-19'));
    expect(thu.every((e) => e >= '2026-03-19' && e <= '2026-03-26')).toBe(true);
    expect(m.optionExpiries('KOSPI200', 'weekly-mon', d).length).toBeGreaterThan(0);
    const board = m.optionBoard('KOSPI200', 'monthly', monthly[0]!, atMinutes(d, 11 * 60));
    const strikes = board.calls.map((r) => r.instrument.strike!);
    expect(strikes.length).toBeGreaterThanOrEqual(33);
    for (const k of strikes) expect((k * 10) % 25).toBe(0);
    expect(Math.min(...strikes)).toBeLessThan(board.spot - 35);
    expect(Math.max(...strikes)).toBeGreaterThan(board.spot + 35);
  });

  it('never delists a strike before expiry, and drops expired series', () => {
    const expiry = m.optionExpiries('KOSPI200', 'monthly', D('2026-02-02'))[2]!;
    let d = D('2026-02-02');
    let prev = new Set<string>();
    while (d <= expiry) {
      const codes = new Set(
        m
          .instruments(d)
          .filter((i) => i.expiry === expiry && i.kind === 'call')
          .map((i) => i.code),
      );
      for (const c of prev) expect(codes.has(c), `${c} on ${d}`).toBe(true);
      prev = codes;
      d = cal.nextTradingDay(d);
    }
    expect(m.instruments(d).some((i) => i.expiry === expiry)).toBe(false);
    expect(m.optionExpiries('KOSPI200', 'monthly', d)).not.toContain(expiry);
  });

  it('resolves every listed code back to the same instrument, including strikes above 1000', () => {
    const d = D('2026-03-05');
    const fresh = createSimMarket({ seed: 21 });
    const listed = m.instruments(d);
    expect(listed.some((i) => (i.strike ?? 0) >= 1000)).toBe(true);
    for (const i of listed) expect(fresh.instrument(i.code), i.code).toEqual(i);
    expect(fresh.instrument('XYZ')).toBeUndefined();
    expect(() => fresh.trades('XYZ', atMinutes(d, 0), atMinutes(d, 60))).toThrow(
      /unknown instrument code "XYZ"/,
    );
  });
});

describe('option board', () => {
  const d = D('2026-03-05');
  const expiries = [
    ...m
      .optionExpiries('KOSPI200', 'monthly', d)
      .slice(0, 2)
      .map((e) => ['monthly', e] as const),
    ...m.optionExpiries('KOSPI200', 'weekly-mon', d).map((e) => ['weekly-mon', e] as const),
  ];

  it('is arbitrage-free: put–call parity on the forward within a tick, prices monotone in strike', () => {
    for (const at of [
      atMinutes(d, 10 * 60 + 17),
      atMinutes(d, 14 * 60 + 2),
      atMinutes(D('2026-03-04'), 22 * 60),
    ]) {
      for (const [series, expiry] of expiries) {
        const b = m.optionBoard('KOSPI200', series, expiry, at);
        expect(b.calls.length).toBe(b.puts.length);
        const df = Math.exp(-m.rate(at) * yearFraction(at, expiryClose(expiry)));
        for (let i = 0; i < b.calls.length; i++) {
          const c = b.calls[i]!;
          const p = b.puts[i]!;
          const k = c.instrument.strike!;
          expect(p.instrument.strike).toBe(k);
          const mid = (row: typeof c): number => (row.bid + row.ask) / 2;
          const tick = Math.max(tickSize(c.instrument, mid(c)), tickSize(p.instrument, mid(p)));
          // Each mid is within half a tick of its Black-76 value, whose difference is exactly df·(F − K).
          const residual = mid(c) - mid(p) - df * (b.forward - k);
          expect(Math.abs(residual), `${expiry} ${k} at ${at}`).toBeLessThanOrEqual(tick + 1e-9);
          if (i > 0) {
            // Highest strike first: calls rise and puts fall down the list.
            expect(mid(c)).toBeGreaterThanOrEqual(mid(b.calls[i - 1]!));
            expect(mid(p)).toBeLessThanOrEqual(mid(b.puts[i - 1]!));
          }
        }
        const ks = b.calls.map((row) => row.instrument.strike!);
        expect([...ks].sort((x, y) => y - x)).toEqual(ks);
      }
    }
  });

  it('matches the same-expiry future: board forward within a future tick of the future quote', () => {
    const at = atMinutes(d, 13 * 60 + 31);
    for (const f of listedFutures('kospi200', d).slice(0, 2)) {
      const b = m.optionBoard('KOSPI200', 'monthly', f.expiry!, at);
      const q = m.quote(f.code, at);
      const mid = (q.bids[0]!.price + q.asks[0]!.price) / 2;
      expect(Math.abs(mid - b.forward)).toBeLessThanOrEqual(0.05);
      expect(b.forward).not.toBe(b.spot);
    }
  });

  it('prices with a moving smile that Black-76 IVs recovered from board prices reproduce', () => {
    const [, expiry] = expiries[0]!;
    const smiles: number[][] = [];
    for (const at of [atMinutes(d, 9 * 60 + 30), atMinutes(d, 15 * 60)]) {
      const b = m.optionBoard('KOSPI200', 'monthly', expiry, at);
      const tau = yearFraction(at, expiryClose(expiry));
      const near = b.puts.filter((row) => Math.abs(row.instrument.strike! - b.forward) < b.forward * 0.03);
      expect(near.length).toBeGreaterThan(8);
      const row: number[] = [];
      for (const p of near) {
        const k = p.instrument.strike!;
        const model = m.modelVol(expiry, k, at);
        const mid = (p.bid + p.ask) / 2;
        const solved = impliedVol(mid, b.forward, k, tau, m.rate(at), 'put');
        expect(solved.iv, `${k}`).not.toBeNull();
        expect(Math.abs(solved.iv! - model), `strike ${k}`).toBeLessThan(0.004);
        row.push(model);
      }
      // A skew: lower strikes carry higher vol.
      expect(row[row.length - 1]!).toBeGreaterThan(row[0]!);
      smiles.push(row);
    }
    expect(smiles[0]).not.toEqual(smiles[1]);
  });

  it('shows the smile as IV and Black-76 greeks on the forward, the same model for calls and puts', () => {
    const at = atMinutes(d, 11 * 60);
    const [, expiry] = expiries[0]!;
    const b = m.optionBoard('KOSPI200', 'monthly', expiry, at);
    const atm = b.calls.find((r) => r.atm === 'ATM')!;
    expect(atm).toBeDefined();
    const k = atm.instrument.strike!;
    const model = m.modelVol(expiry, k, at);
    expect(atm.greeks.iv).toBeCloseTo(model * 100, 9);
    expect(b.puts.find((r) => r.instrument.strike === k)!.greeks.iv).toBe(atm.greeks.iv);
    const g = black76Greeks(b.forward, k, b.yearsToExpiry, b.rate, model, 'call');
    expect(atm.greeks.delta).toBeCloseTo(g.delta, 12);
    expect(atm.greeks.vega).toBeCloseTo(g.vega, 12);
    expect(atm.snapshot.theoretical).toBeCloseTo(g.price, 2);
    expect(atm.greeks.delta).toBeGreaterThan(0.3);
    expect(atm.greeks.delta).toBeLessThan(0.7);
    expect(atm.greeks.gamma).toBeGreaterThan(0);
    expect(atm.greeks.theta).toBeLessThan(0);
    for (const r of b.calls) {
      if (r.atm !== 'ATM') expect(r.atm).toBe(r.instrument.strike! < b.spot ? 'ITM' : 'OTM');
      expect(r.intrinsic).toBeCloseTo(Math.max(0, b.spot - r.instrument.strike!), 2);
    }
    expect(b.calls.filter((r) => r.atm === 'ATM')).toHaveLength(1);
  });

  it('trades options sparsely, on the option tick grid, busiest near the money', () => {
    const [, expiry] = expiries[0]!;
    const b = m.optionBoard('KOSPI200', 'monthly', expiry, atMinutes(d, 16 * 60));
    const vols = b.calls.map((r) => ({
      k: r.instrument.strike!,
      v: r.snapshot.cumVolume,
      code: r.instrument.code,
    }));
    const atmIdx = b.calls.findIndex((r) => r.atm === 'ATM');
    expect(vols[atmIdx]!.v).toBeGreaterThan(vols[0]!.v);
    expect(vols[atmIdx]!.v).toBeGreaterThan(vols.at(-1)!.v);
    const trades = m.trades(vols[atmIdx]!.code, atMinutes(D('2026-03-04'), 17 * 60), atMinutes(d, 17 * 60));
    expect(trades.length).toBeGreaterThan(50);
    const bars = m.minuteBars(vols[atmIdx]!.code, atMinutes(D('2026-03-04'), 17 * 60), atMinutes(d, 17 * 60));
    expect(bars.length).toBeLessThan(cal.expectedCandles('derivatives', d) + cal.expectedCandles('night', d));
    for (const t of trades) {
      const tick = tickSize(b.calls[atmIdx]!.instrument, t.price);
      expect(Math.abs(t.price / tick - Math.round(t.price / tick))).toBeLessThan(1e-6);
    }
  });
});
