/** Rows for the chart tests (renderers and the dashboard routes). */
import { kstTime, type KstTime } from '../../src/time/kst.js';
import type { Candle, OptionMatrixRow } from '../../src/db/types.js';

export const count = (s: string, needle: string) => s.split(needle).length - 1;
export const attrs = (s: string, tag: string) =>
  [...s.matchAll(new RegExp(`<${tag} ([^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );

export const T0 = kstTime(2026, 11, 24, 9, 0);
export function candles(n: number, symbol = 'A01612'): Candle[] {
  return Array.from({ length: n }, (_, i) => {
    const open = 350 + i;
    const close = i % 2 ? open + 0.5 : open - 0.5;
    return {
      symbol,
      time: (T0 + i * 60_000) as KstTime,
      open,
      high: Math.max(open, close) + 1,
      low: Math.min(open, close) - 1,
      close,
      volume: 100 + i,
    };
  });
}
export function matrix(
  minute: number,
  metric: 'iv' | 'delta',
  calls: (number | null)[],
  puts: (number | null)[],
): OptionMatrixRow {
  return {
    time: (T0 + minute * 60_000) as KstTime,
    underlyingSymbol: 'KOSPI200:20261210',
    metric,
    atmStrike: 350,
    strikeStep: 2.5,
    calls,
    puts,
  };
}
