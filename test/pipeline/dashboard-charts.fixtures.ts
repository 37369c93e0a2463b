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

/** All text shown by an SVG: `<text>` contents and hover `<title>`s, in document order, unescaped `&amp;`. */
export const texts = (svg: string, tag: 'text' | 'title' = 'text'): string[] =>
  [...svg.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, 'g'))].map((m) =>
    m[1]!.replace(/&amp;/g, '&'),
  );

/** Samsung Electronics-like minute candles in whole won on the 100-won tick (50,000–200,000 band). */
export function samsungCandles(symbol = '005930'): Candle[] {
  const bar = (
    i: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): Candle => ({
    symbol,
    time: (T0 + i * 60_000) as KstTime,
    open,
    high,
    low,
    close,
    volume,
  });
  return [bar(0, 72_500, 73_000, 72_400, 72_900, 1_000), bar(1, 72_900, 73_000, 72_600, 72_700, 72_400)];
}

/** A KOSPI200 matrix row around ATM 1002.5 (strikes above 1000 on the 5-point grid: 992.5 … 1012.5). */
export function kospiMatrix(
  metric: OptionMatrixRow['metric'],
  calls: (number | null)[],
  puts: (number | null)[],
  minute = 0,
): OptionMatrixRow {
  return {
    time: (T0 + minute * 60_000) as KstTime,
    underlyingSymbol: 'KOSPI200:20261210',
    metric,
    atmStrike: 1002.5,
    strikeStep: 5,
    calls,
    puts,
  };
}
