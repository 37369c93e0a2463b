import { describe, expect, it } from 'vitest';
import {
  black76Price,
  buildOptionMatrices,
  matrixSymbol,
  OptionInputError,
} from '../../src/options/index.js';
import type { OptionChainRow } from '../../src/db/types.js';
import { kstTime } from '../../src/time/kst.js';

const time = kstTime(2026, 11, 24, 10, 15);
const SYM = 'KOSPI200:20261210';

/** A hand-made chain: call price = 1000 + strike, put price = 2000 + strike, so each cell names its strike. */
function chain(strikes: number[], skip: { call?: number[]; put?: number[] } = {}): OptionChainRow[] {
  const rows: OptionChainRow[] = [];
  for (const k of strikes) {
    if (!skip.call?.includes(k))
      rows.push({
        time,
        code: `C${k}`,
        underlyingSymbol: SYM,
        strike: k,
        right: 'call',
        price: 1000 + k,
        volume: k * 10,
        openInterest: 7,
        iv: 20,
        delta: 0.5,
      });
    if (!skip.put?.includes(k))
      rows.push({
        time,
        code: `P${k}`,
        underlyingSymbol: SYM,
        strike: k,
        right: 'put',
        price: 2000 + k,
        volume: null,
        openInterest: 8,
        iv: 21,
        delta: -0.5,
      });
  }
  return rows;
}

describe('buildOptionMatrices', () => {
  it('orders ITM…ATM…OTM from each side, ties to the lower strike, missing strikes → null', () => {
    const rows = chain([395, 397.5, 400, 402.5, 405, 407.5], { put: [397.5] });
    // 401.25 is exactly halfway between 400 and 402.5 → 400.
    const [price, volume] = buildOptionMatrices(rows, {
      strikesPerSide: 2,
      forward: 401.25,
      metrics: ['price', 'volume'],
    });
    expect(price).toMatchObject({
      time,
      underlyingSymbol: SYM,
      metric: 'price',
      atmStrike: 400,
      strikeStep: 2.5,
    });
    // calls: 395 (ITM2), 397.5, 400 (ATM), 402.5, 405 (OTM2)
    expect(price!.calls).toEqual([1395, 1397.5, 1400, 1402.5, 1405]);
    // puts: 405 (ITM2), 402.5, 400 (ATM), 397.5 (not listed), 395 (OTM2)
    expect(price!.puts).toEqual([2405, 2402.5, 2400, null, 2395]);
    expect(volume!.calls).toEqual([3950, 3975, 4000, 4025, 4050]);
    expect(volume!.puts).toEqual([null, null, null, null, null]);
  });

  it('pads beyond the listed range with nulls and emits every metric by default', () => {
    const rows = chain([395, 397.5, 400, 402.5, 405, 407.5]);
    const out = buildOptionMatrices(rows, { strikesPerSide: 3, forward: 406.4 });
    expect(out.map((r) => r.metric)).toEqual([
      'iv',
      'delta',
      'gamma',
      'theta',
      'vega',
      'price',
      'volume',
      'open_interest',
    ]);
    const price = out.find((r) => r.metric === 'price')!;
    expect(price.atmStrike).toBe(407.5);
    expect(price.calls).toEqual([1400, 1402.5, 1405, 1407.5, null, null, null]);
    expect(price.puts).toEqual([null, null, null, 2407.5, 2405, 2402.5, 2400]);
    expect(out.find((r) => r.metric === 'gamma')!.calls.every((v) => v === null)).toBe(true);
    expect(out.find((r) => r.metric === 'open_interest')!.puts).toEqual([null, null, null, 8, 8, 8, 8]);
  });

  it('detects a wider grid and accepts a fixed step', () => {
    const rows = chain([390, 400, 410, 420]);
    const [m] = buildOptionMatrices(rows, { strikesPerSide: 1, forward: 404, metrics: ['price'] });
    expect(m).toMatchObject({
      atmStrike: 400,
      strikeStep: 10,
      calls: [1390, 1400, 1410],
      puts: [2410, 2400, 2390],
    });
    const [fixed] = buildOptionMatrices(rows, {
      strikesPerSide: 1,
      forward: 404,
      metrics: ['price'],
      strikeStep: 5,
    });
    expect(fixed!.calls).toEqual([null, 1400, null]);
  });

  it('implies the forward from put–call parity when none is given, and computes its own Black-76 IV on request', () => {
    const F = 403.1,
      r = 0.03,
      T = 16 / 365,
      sigma = 0.19;
    const rows: OptionChainRow[] = [395, 397.5, 400, 402.5, 405, 407.5, 410].flatMap((k) =>
      (['call', 'put'] as const).map((right) => ({
        time,
        code: `${right}${k}`,
        underlyingSymbol: SYM,
        strike: k,
        right,
        price: black76Price(F, k, T, r, sigma, right),
        iv: 55,
      })),
    );
    const [kisIv] = buildOptionMatrices(rows, {
      strikesPerSide: 1,
      metrics: ['iv'],
      rate: r,
      yearsToExpiry: T,
    });
    expect(kisIv!.atmStrike).toBe(402.5);
    expect(kisIv!.calls).toEqual([55, 55, 55]);
    const [own] = buildOptionMatrices(rows, {
      strikesPerSide: 1,
      metrics: ['iv'],
      ivSource: 'black76',
      rate: r,
      yearsToExpiry: T,
    });
    for (const v of [...own!.calls, ...own!.puts]) expect(v).toBeCloseTo(sigma * 100, 6);
  });

  it('rejects bad snapshots with a message naming the problem', () => {
    const rows = chain([400, 402.5]);
    expect(() => buildOptionMatrices([], { strikesPerSide: 2, forward: 400 })).toThrow(/empty snapshot/);
    expect(() => buildOptionMatrices(rows, { strikesPerSide: 0, forward: 400 })).toThrow(/strikesPerSide/);
    const mixed = [...rows, { ...rows[0]!, underlyingSymbol: 'KOSPI200:20261217', code: 'X' }];
    expect(() => buildOptionMatrices(mixed, { strikesPerSide: 2, forward: 400 })).toThrow(/mixes .*X/);
    expect(() => buildOptionMatrices(rows, { strikesPerSide: 2, ivSource: 'black76' })).toThrow(
      OptionInputError,
    );
  });

  it('names matrices <UNDERLYING>:<YYYYMMDD>', () => {
    expect(matrixSymbol('KOSPI200', '2026-12-10')).toBe('KOSPI200:20261210');
    expect(() => matrixSymbol('kospi200', '2026-12-10')).toThrow(/upper-case/);
  });
});
