/** Own analytics on the simulator's own boards, where the forward and the smile are known. */
import { describe, expect, it } from 'vitest';
import { createSimMarket } from '../../src/sim/market/sim-market.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { analyseBoard, type AnalyticsQuote } from '../../src/options/board-analytics.js';
import { yearsToExpiryAt } from '../../src/options/expiry-time.js';
import { sviTotalVariance } from '../../src/options/smile.js';
import { formatKst, parseKst, type KstTime } from '../../src/time/kst.js';
import type { SimOptionBoard } from '../../src/sim/market/types.js';

const calendar = defaultCalendar();
const market = createSimMarket({ seed: 7, calendar });

function quotesOf(board: SimOptionBoard): AnalyticsQuote[] {
  const side = (rows: SimOptionBoard['calls'], right: 'call' | 'put'): AnalyticsQuote[] =>
    rows.map((r) => ({
      right, strike: r.instrument.strike!,
      price: r.snapshot.cumVolume > 0 && r.snapshot.last > 0 ? r.snapshot.last : null,
      bid: r.bid > 0 ? r.bid : null, ask: r.ask > 0 ? r.ask : null,
    }));
  return [...side(board.calls, 'call'), ...side(board.puts, 'put')];
}

describe('own analytics on simulator boards', () => {
  const times = ['2026-11-24 09:30', '2026-12-03 13:05'].map(parseKst);
  for (const at of times) {
    for (const series of ['monthly', 'weekly-thu', 'weekly-mon'] as const) {
      it(`${series} board at ${formatKst(at)}: forward within its spread of the simulator's, the fitted smile on the simulator's`, () => {
        const expiry = market.optionExpiries('KOSPI200', series, calendar.tradingDateAt('derivatives', at)!)[0]!;
        const board = market.optionBoard('KOSPI200', series, expiry, at);
        const T = yearsToExpiryAt(calendar, expiry, at);
        const a = analyseBoard({ quotes: quotesOf(board), rate: board.rate, yearsToExpiry: T, spot: board.spot });
        const f = a.forward!;
        expect(f.source).toBe('parity');
        // Within the spread-implied uncertainty of the strikes used (plus a cent of rounding).
        expect(Math.abs(f.forward - board.forward)).toBeLessThanOrEqual(f.uncertainty! + 0.01);
        // Never 0, and most options have an IV.
        const ivs = a.quotes.map((q) => q.iv);
        expect(ivs.every((v) => v === null || v > 0)).toBe(true);
        expect(ivs.filter((v) => v !== null).length).toBeGreaterThan(0.5 * ivs.length);
        const s = a.surface;
        expect(s.svi, `surface fit over ${s.points} points`).not.toBeNull();
        const known = (K: number): number => market.modelVol(expiry, K, at) * 100;
        expect(Math.abs(s.atmIv! - known(board.forward))).toBeLessThan(0.5);
        // Within ±1.5 standard deviations of the forward (σ√T): where the board has prices above the tick floor.
        const sd = (s.atmIv! / 100) * Math.sqrt(T);
        for (const x of [-1.5, -0.75, 0.75, 1.5]) {
          const K = board.forward * Math.exp(x * sd);
          const fitted = Math.sqrt(sviTotalVariance(s.svi!, Math.log(K / f.forward)) / T) * 100;
          expect(Math.abs(fitted - known(K)), `vol at K=${K.toFixed(1)}`).toBeLessThan(0.75);
        }
        expect(s.rr25!).toBeLessThan(0);
        expect(s.butterflyArbitrage).toBe(false);
      });
    }
  }
  it('counts time to the 15:20 close of the last trading day, ACT/365', () => {
    expect(yearsToExpiryAt(calendar, '2026-12-10' as never, parseKst('2026-12-10 09:20') as KstTime)).toBeCloseTo(6 / 24 / 365, 12);
  });
});
