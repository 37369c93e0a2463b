/**
 * Which index futures contracts are listed on a date. KOSPI200 and KOSDAQ150: 7 quarterly contracts within
 * about 3 years (March ×1, September ×1, June ×2, December ×3); mini KOSPI200: 6 consecutive months.
 * A contract stays listed through its last trading day; the front month rolls the trading day after.
 */
import type { KstDate } from '../../time/kst.js';
import { defaultCalendar, type TradingCalendar } from '../calendar/index.js';
import type { ProductFamily } from '../types.js';
import { futuresCode, parseInstrumentCode, type DecodedInstrument } from './codes.js';
import { monthlyExpiry } from './expiry.js';

export type FuturesFamily = Exclude<ProductFamily, 'stock'>;

/** First listing of each family's futures. */
export const FUTURES_LISTED_FROM: Record<FuturesFamily, string> = {
  kospi200: '1996-05-03',
  mini: '2015-07-20',
  kosdaq150: '2015-11-23',
};

/** How many contracts of each quarterly month are listed at once (KRX listing cycle). */
const QUARTERLY_CAPS: Record<number, number> = { 3: 1, 6: 2, 9: 1, 12: 3 };

function* monthsFrom(year: number, month: number, step: number): Generator<[number, number]> {
  for (let y = year, m = month; ; m += step) {
    if (m > 12) [y, m] = [y + 1, m - 12];
    yield [y, m];
  }
}

/** Contract months (year, month) listed on `date`, nearest first. */
export function listedFutureMonths(
  family: FuturesFamily,
  date: KstDate,
  cal: TradingCalendar = defaultCalendar(),
): [number, number][] {
  if (date < FUTURES_LISTED_FROM[family]) return [];
  const y0 = Number(date.slice(0, 4));
  const m0 = Number(date.slice(5, 7));
  const out: [number, number][] = [];
  if (family === 'mini') {
    for (const [y, m] of monthsFrom(y0, m0, 1)) {
      if (out.length === 0 && monthlyExpiry(y, m, cal) < date) continue;
      out.push([y, m]);
      if (out.length === 6) return out;
    }
  }
  const counts: Record<number, number> = { 3: 0, 6: 0, 9: 0, 12: 0 };
  for (const [y, m] of monthsFrom(y0, Math.ceil(m0 / 3) * 3, 3)) {
    if (out.length === 0 && monthlyExpiry(y, m, cal) < date) continue;
    if (counts[m]! < QUARTERLY_CAPS[m]!) {
      counts[m]!++;
      out.push([y, m]);
    }
    if (out.length === 7) return out;
  }
  return out;
}

/** The futures listed on `date`, nearest expiry first. */
export function listedFutures(
  family: FuturesFamily,
  date: KstDate,
  cal: TradingCalendar = defaultCalendar(),
): DecodedInstrument[] {
  return listedFutureMonths(family, date, cal).map(([y, m]) =>
    parseInstrumentCode(futuresCode(family, y, m), { calendar: cal }),
  );
}

/** The nearest contract not yet expired on `date` (on its last trading day it is still the front). */
export function frontFuture(
  family: FuturesFamily,
  date: KstDate,
  cal: TradingCalendar = defaultCalendar(),
): DecodedInstrument {
  const first = listedFutures(family, date, cal)[0];
  if (!first) throw new RangeError(`no ${family} futures were listed on ${date}`);
  return first;
}
