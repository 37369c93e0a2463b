/** Deterministic synthetic minute candles along the calendar's candle minutes (test data only). */
import type { Candle } from '../../src/db/types.js';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import type { KstDate } from '../../src/time/kst.js';
// The simulator's seeded PRNG (mulberry32): every run builds the same market.
import { seededRandom as prng } from '../../src/sim/faults.js';

const tick = (p: number): number => Math.round(p / 0.05) * 0.05;

/**
 * A random walk with occasional shocks (so VWAP bands get crossed) over the night and day candle
 * minutes of each trading date, labelled with the trading date the way the pipeline labels them.
 */
export function syntheticFutureCandles(
  symbol: string,
  dates: readonly KstDate[],
  cal: TradingCalendar,
  seed = 42,
  start = 400,
): Candle[] {
  const rnd = prng(seed);
  let price = start;
  const out: Candle[] = [];
  for (const d of dates) {
    const minutes = [...cal.candleMinutes('night', d), ...cal.candleMinutes('derivatives', d)];
    for (const time of minutes) {
      const open = price;
      const shock = rnd() < 0.02 ? (rnd() < 0.5 ? -1 : 1) * (1.5 + 2 * rnd()) : 0;
      price = tick(Math.max(50, price + (rnd() - 0.5) * 0.4 + shock));
      const high = tick(Math.max(open, price) + rnd() * 0.15);
      const low = tick(Math.min(open, price) - rnd() * 0.15);
      out.push({
        symbol,
        time,
        tradingDate: d,
        open,
        high,
        low,
        close: price,
        volume: 1 + Math.floor(rnd() * 500),
        openInterest: null,
      });
    }
  }
  return out;
}
