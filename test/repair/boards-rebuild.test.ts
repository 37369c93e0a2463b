/** Rebuilt board quotes from per-strike candles: prices from the newest candle, volumes carried from the reference board. */
import { describe, expect, it } from 'vitest';
import { kstTime, type KstTime } from '../../src/time/kst.js';
import { closeAt, rebuildQuotes, type ReferenceBoard, type RebuildBar } from '../../src/repair/boards-rebuild.js';

const t = (h: number, m: number): KstTime => kstTime(2026, 11, 24, h, m);
const ref: ReferenceBoard = {
  minute: t(9, 1),
  rows: [
    { code: 'B01612400', right: 'call', strike: 400, price: 5.1, volume: 100 },
    { code: 'C01612400', right: 'put', strike: 400, price: 4.2, volume: null },
    { code: 'B01612410', right: 'call', strike: 410, price: null, volume: null },
  ],
};
const bars = new Map<string, RebuildBar[]>([
  ['B01612400', [{ time: t(8, 50), close: 4.9, volume: 60 }, { time: t(9, 1), close: 5.05, volume: 40 }, { time: t(9, 3), close: 5.3, volume: 7 }, { time: t(9, 6), close: 5.5, volume: 3 }]],
  ['C01612400', [{ time: t(9, 4), close: 4.0, volume: 2 }]],
]);

describe('rebuildQuotes', () => {
  it('with a reference board of the trading date: newest close, else its price; its volume plus the candles after it', () => {
    expect(rebuildQuotes(ref, true, bars, t(9, 2))).toEqual([
      { ...ref.rows[0], price: 5.05, volume: 100 },
      { ...ref.rows[1], price: 4.2, volume: null },
      { ...ref.rows[2], price: null, volume: null },
    ]);
    expect(rebuildQuotes(ref, true, bars, t(9, 5))).toEqual([
      { ...ref.rows[0], price: 5.3, volume: 107 },
      { ...ref.rows[1], price: 4.0, volume: 2 },
      { ...ref.rows[2], price: null, volume: null },
    ]);
  });

  it('without one: the session candles alone, no value is null (never 0)', () => {
    expect(rebuildQuotes(ref, false, bars, t(9, 3)).map((q) => [q.price, q.volume])).toEqual([[5.3, 107], [null, null], [null, null]]);
  });

  it('closeAt takes the newest close at or before the minute', () => {
    expect(closeAt(bars.get('B01612400')!, t(9, 2))).toBe(5.05);
    expect(closeAt(bars.get('B01612400')!, t(8, 49))).toBeUndefined();
  });
});
