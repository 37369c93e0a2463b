/**
 * Option boards are free of arbitrage at every minute of a simulated trading date: one smile per expiry,
 * calls and puts on the same forward and vol, the board's IV and greeks from that same model.
 */
import { describe, expect, it } from 'vitest';
import type { OptionChainRow } from '../../src/db/types.js';
import { impliedForward } from '../../src/options/index.js';
import { atmStrike, buildOptionMatrices, matrixSymbol } from '../../src/options/matrix.js';
import { createSimMarket } from '../../src/sim/market/index.js';
import type { SimOptionBoard } from '../../src/sim/market/types.js';
import { atMinutes, formatKst, type KstDate, type KstTime } from '../../src/time/kst.js';
import { strikeViolations } from './option-parity-check.js';

const m = createSimMarket({ seed: 10 });
/** A Thursday: the Thursday weekly expires at 15:20, the night before belongs to it too. */
const day = '2026-11-26' as KstDate;
const eve = '2026-11-25' as KstDate;
const boards = [
  ...m
    .optionExpiries('KOSPI200', 'monthly', day)
    .slice(0, 2)
    .map((e) => ['monthly', e] as const),
  ...m.optionExpiries('KOSPI200', 'weekly-thu', day).map((e) => ['weekly-thu', e] as const),
  ...m.optionExpiries('KOSPI200', 'weekly-mon', day).map((e) => ['weekly-mon', e] as const),
];

function boardViolations(b: SimOptionBoard, label: string): string[] {
  const out: string[] = [];
  const disc = { forward: b.forward, rate: b.rate, years: b.yearsToExpiry };
  for (let i = 0; i < b.calls.length; i++) {
    const c = b.calls[i]!;
    const p = b.puts[i]!;
    const k = c.instrument.strike!;
    if (p.instrument.strike !== k)
      out.push(`${label}: row ${i} pairs strikes ${k} and ${p.instrument.strike}`);
    out.push(
      ...strikeViolations(
        k,
        { bid: c.bid, ask: c.ask, iv: c.greeks.iv },
        { bid: p.bid, ask: p.ask, iv: p.greeks.iv },
        disc,
        label,
      ),
    );
    // Greeks of one model: forward deltas differ by the discount factor, gamma and vega agree.
    const df = Math.exp(-b.rate * b.yearsToExpiry);
    if (b.yearsToExpiry > 0 && !(Math.abs(c.greeks.delta - p.greeks.delta - df) < 1e-9))
      out.push(`${label} K=${k}: delta ${c.greeks.delta} − ${p.greeks.delta} ≠ DF ${df}`);
    if (Math.abs(c.greeks.gamma - p.greeks.gamma) > 1e-12 || Math.abs(c.greeks.vega - p.greeks.vega) > 1e-9)
      out.push(`${label} K=${k}: call and put gamma/vega differ`);
  }
  return out;
}

/** Boards of `minutes` (from midnight of the evening before) with no arbitrage; returns strikes checked. */
function checkMinutes(minutes: number[], which: typeof boards): number {
  const problems: string[] = [];
  let checked = 0;
  for (const min of minutes) {
    const at = atMinutes(eve, min) as KstTime;
    for (const [series, expiry] of which) {
      const b = m.optionBoard('KOSPI200', series, expiry, at);
      checked += b.calls.length;
      problems.push(...boardViolations(b, `${formatKst(at)} ${series} ${expiry}`));
    }
    if (problems.length > 20) break;
  }
  expect(problems.slice(0, 20)).toEqual([]);
  return checked;
}

const range = (from: number, to: number, step = 1): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('option boards over a whole trading date', () => {
  it('every minute of the day session: parity within the spread, IVs the quotes allow, one model for the greeks', () => {
    expect(boards.length).toBeGreaterThanOrEqual(4);
    // 08:45 → 15:45 of `day` (minutes from midnight of `eve`): the front monthly and both weeklies.
    const which = boards.filter(([s], i) => s !== 'monthly' || i === 0);
    const checked = checkMinutes(range(24 * 60 + 8 * 60 + 45, 24 * 60 + 15 * 60 + 45), which);
    expect(checked).toBeGreaterThan(421 * 40);
  }, 300_000);

  it('every 10 minutes of the night session and the hours between sessions, every board', () => {
    // 15:50 the day before → 08:40, and 15:50 → 17:00 after the close: books must not go stale.
    const minutes = [...range(15 * 60 + 50, 24 * 60 + 8 * 60 + 40, 10), ...range(39 * 60 + 50, 41 * 60, 10)];
    expect(checkMinutes(minutes, boards)).toBeGreaterThan(minutes.length * 60);
  }, 300_000);

  it('prices off the same-expiry forward: the forward implied by parity on board mids is the model forward', () => {
    for (const min of [9 * 60 + 5, 12 * 60 + 31, 15 * 60 + 10, 20 * 60 + 45]) {
      const at = atMinutes(min < 18 * 60 ? day : eve, min) as KstTime;
      for (const [series, expiry] of boards) {
        const b = m.optionBoard('KOSPI200', series, expiry, at);
        if (b.yearsToExpiry <= 0) continue;
        const quotes = b.calls.map((c, i) => ({
          strike: c.instrument.strike!,
          call: (c.bid + c.ask) / 2,
          put: (b.puts[i]!.bid + b.puts[i]!.ask) / 2,
        }));
        const implied = impliedForward(quotes, b.rate, b.yearsToExpiry)!;
        expect(Math.abs(implied.forward - b.forward), `${expiry} at ${formatKst(at)}`).toBeLessThan(0.1);
        expect(b.forward).toBeCloseTo(m.forward(expiry, at), 9);
        expect(b.rate).toBe(m.rate(at));
      }
    }
  });

  it("lets the pipeline's matrices find the model forward from last prices (parity, as matrix.ts does)", () => {
    const [series, expiry] = boards[0]!;
    for (const min of [9 * 60 + 20, 11 * 60 + 47, 14 * 60 + 58]) {
      const at = atMinutes(day, min) as KstTime;
      const b = m.optionBoard('KOSPI200', series, expiry, at);
      const rows: OptionChainRow[] = [...b.calls, ...b.puts].map((r) => ({
        time: at,
        code: r.instrument.code,
        underlyingSymbol: matrixSymbol('KOSPI200', expiry),
        strike: r.instrument.strike!,
        right: r.instrument.kind === 'call' ? 'call' : 'put',
        price: r.snapshot.last,
        iv: r.greeks.iv,
      }));
      const [iv] = buildOptionMatrices(rows, { strikesPerSide: 4, metrics: ['iv'] });
      const strikes = b.calls.map((r) => r.instrument.strike!);
      const step = iv!.strikeStep;
      // Last prices are up to a minute old and rounded: the ATM may be the neighbour of the model's.
      expect(Math.abs(iv!.atmStrike - atmStrike(strikes, b.forward)), formatKst(at)).toBeLessThanOrEqual(
        step,
      );
      // One smile: the matrix's call and put IV at each strike are the same number.
      for (let i = 0; i < iv!.calls.length; i++) expect(iv!.calls[i]).toBe(iv!.puts[iv!.puts.length - 1 - i]);
    }
  });
});
