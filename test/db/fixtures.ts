/** Row builders for storage tests (plain data; nothing of the storage layer is replaced). */
import { addMinutes, kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';
import type { Candle, OptionMatrixRow, Tick } from '../../src/db/types.js';

export const T0 = kstTime(2026, 11, 24, 9, 0);

/** A valid candle for minute `i` after `start`; prices vary with `i` so rows differ. */
export function candle(
  i: number,
  symbol = 'A01612',
  start: KstTime = T0,
  extra: Partial<Candle> = {},
): Candle {
  const base = 350 + (i % 50) * 0.05;
  return {
    symbol,
    time: addMinutes(start, i),
    open: base,
    high: base + 0.25,
    low: base - 0.2,
    close: base + 0.1,
    volume: 100 + i,
    openInterest: 200_000 + i,
    ...extra,
  };
}

export const candles = (n: number, symbol = 'A01612', start: KstTime = T0): Candle[] =>
  Array.from({ length: n }, (_, i) => candle(i, symbol, start));

export function tick(i: number, symbol = 'A01612', tradingDate = '2026-11-24' as KstDate): Tick {
  return {
    symbol,
    time: (T0 + i * 250) as KstTime,
    tradingDate,
    price: 350 + (i % 7) * 0.05,
    volume: 1 + (i % 3),
    cumVolume: i + 1,
    side: i % 2 ? 'buy' : 'sell',
  };
}

/** A matrix row whose values encode (side, index) so a misplaced column would show. */
export function matrixRow(
  n: number,
  metric: OptionMatrixRow['metric'],
  time: KstTime = T0,
  underlyingSymbol = 'KOSPI200:20261210',
): OptionMatrixRow {
  const width = 2 * n + 1;
  return {
    time,
    underlyingSymbol,
    metric,
    atmStrike: 350,
    strikeStep: 2.5,
    calls: Array.from({ length: width }, (_, i) => (i === 0 ? null : 1000 + i + 0.125)),
    puts: Array.from({ length: width }, (_, i) => (i === width - 1 ? null : -(2000 + i) - 0.5)),
  };
}
