/**
 * Reference ranges the quotation endpoints report, derived from the model's daily bars so that they agree
 * with the daily charts: 52-week, 250-day and year-to-date highs/lows with their dates (stocks), the
 * previous trading date's bar, and a futures contract's listing-period high/low. Every range includes the
 * running day, so a range's high is never below any daily high the charts serve for that window. Finished
 * days are cached per (code, trading date): they cannot change during the day.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import { listedFutures } from '../../market/instruments/index.js';
import type { Instrument } from '../../market/types.js';
import { type KstDate, addDays, daysBetween } from '../../time/kst.js';
import { Lru } from '../market/lru.js';
import type { SimDailyBar, SimMarket, SimSnapshot } from '../market/types.js';

export interface Extreme {
  price: number;
  date: KstDate;
}

export interface Range {
  high: Extreme;
  low: Extreme;
}

export interface StockRanges {
  w52: Range;
  d250: Range;
  yearToDate: Range;
}

/** Finished daily bars before `date`, newest first, back to `from` (inclusive), at most `cap` trading days. */
function barsBefore(
  market: SimMarket,
  calendar: TradingCalendar,
  code: string,
  date: KstDate,
  from: KstDate,
  cap: number,
): SimDailyBar[] {
  const out: SimDailyBar[] = [];
  for (let d = addDays(date, -1); d >= from && out.length < cap; d = addDays(d, -1)) {
    if (!calendar.covers(d)) break;
    if (!calendar.isTradingDay(d)) continue;
    const b = market.dailyBar(code, d);
    if (b && b.volume > 0) out.push(b);
  }
  return out;
}

function rangeOf(bars: readonly { high: number; low: number; date: KstDate }[]): Range | undefined {
  let r: Range | undefined;
  for (const b of bars) {
    if (!r) r = { high: { price: b.high, date: b.date }, low: { price: b.low, date: b.date } };
    // Newest first: a tie keeps the newer date, as an exchange's "recent high" would.
    if (b.high > r.high.price) r.high = { price: b.high, date: b.date };
    if (b.low < r.low.price) r.low = { price: b.low, date: b.date };
  }
  return r;
}

/** The running day as a bar (undefined before its first trade). */
function todayBar(s: SimSnapshot): { high: number; low: number; date: KstDate } | undefined {
  return s.cumVolume > 0 ? { high: s.high, low: s.low, date: s.tradingDate } : undefined;
}

const caches = new WeakMap<SimMarket, Lru<string, unknown>>();
function cached<T>(market: SimMarket, key: string, make: () => T): T {
  let c = caches.get(market);
  if (!c) caches.set(market, (c = new Lru(20_000)));
  let v = c.get(key) as T | undefined;
  if (v === undefined) c.set(key, (v = make()));
  return v;
}

/** 52-week (364 days), 250-trading-day and year-to-date ranges of a stock at a snapshot. */
export function stockRanges(market: SimMarket, calendar: TradingCalendar, s: SimSnapshot): StockRanges | undefined {
  const d = s.tradingDate;
  const past = cached(market, `ranges|${s.code}|${d}`, () =>
    barsBefore(market, calendar, s.code, d, addDays(d, -370), 250),
  );
  const today = todayBar(s);
  const withToday = today ? [today, ...past] : past;
  const w52 = rangeOf(withToday.filter((b) => daysBetween(b.date, d) < 364));
  const d250 = rangeOf(withToday.slice(0, 250));
  const yearToDate = rangeOf(withToday.filter((b) => b.date.slice(0, 4) === d.slice(0, 4)));
  return w52 && d250 && yearToDate ? { w52, d250, yearToDate } : undefined;
}

/** The previous trading date's bar of an instrument (undefined when it did not trade). */
export function previousBar(
  market: SimMarket,
  calendar: TradingCalendar,
  code: string,
  tradingDate: KstDate,
): SimDailyBar | undefined {
  return cached(market, `prev|${code}|${tradingDate}`, () =>
    barsBefore(market, calendar, code, tradingDate, addDays(tradingDate, -15), 1)[0] ?? null) ?? undefined;
}

/** First date on which a futures contract is listed (KRX's listing cycle in `src/market/instruments`). */
export function futureListingDate(inst: Instrument, calendar: TradingCalendar): KstDate | undefined {
  if (inst.kind !== 'future' || inst.family === 'stock' || !inst.expiry) return undefined;
  const family = inst.family;
  const listed = (d: KstDate): boolean => listedFutures(family, d, calendar).some((f) => f.expiry === inst.expiry);
  // Listed from some date until its expiry: bisect on that boundary (contracts list at most ~3 years ahead).
  let lo = addDays(inst.expiry, -4 * 366);
  let hi = inst.expiry;
  if (listed(lo)) return lo;
  while (daysBetween(lo, hi) > 1) {
    const mid = addDays(lo, Math.floor(daysBetween(lo, hi) / 2));
    if (listed(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** High and low of a futures contract since its listing, the running day included. */
export function listingRange(
  market: SimMarket,
  calendar: TradingCalendar,
  inst: Instrument,
  s: SimSnapshot,
): Range | undefined {
  const from = futureListingDate(inst, calendar);
  if (!from) return undefined;
  const past = cached(market, `listing|${inst.code}|${s.tradingDate}`, () =>
    rangeOf(barsBefore(market, calendar, inst.code, s.tradingDate, from, 2000)) ?? null,
  );
  const today = todayBar(s);
  return rangeOf([...(today ? [today] : []), ...(past ? [past.high, past.low].map(extremeBar) : [])]);
}

const extremeBar = (e: Extreme) => ({ high: e.price, low: e.price, date: e.date });
