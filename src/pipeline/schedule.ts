/**
 * Scheduling arithmetic against the calendar (pure: no Redis, no clock). A candle minute `m` is due once
 * `m + 1 min + buffer` has passed: the bar has closed at KIS and had `buffer` to settle.
 */
import { type KstDate, type KstTime, addDays, addMinutes, dateOf, floorMinute } from '../time/kst.js';
import type { SessionProduct } from '../market/types.js';
import type { TradingCalendar } from '../market/calendar/index.js';

const MINUTE = 60_000;

/** The newest minute start that is due at `now`. */
export const dueHorizon = (now: KstTime, bufferMs: number): KstTime => floorMinute((now - MINUTE - bufferMs) as KstTime);
/** When minute `m`'s work should start. */
export const fireTime = (m: KstTime, bufferMs: number): KstTime => (m + MINUTE + bufferMs) as KstTime;

/**
 * The strategy deadline in clock ms after the minute closed: the configured one, stretched so that at least
 * `minRealMs` of real time passes between the fetch firing (close + buffer) and the deadline. At real speed
 * this changes nothing; at 90× it keeps a loaded machine from running complete batches as incomplete.
 */
export function effectiveDeadlineMs(o: { strategyDeadlineMs: number; bufferMs: number; minRealMs: number; speed: number }): number {
  return Math.max(o.strategyDeadlineMs, o.bufferMs + Math.ceil(o.minRealMs * o.speed));
}

export class MinuteIndex {
  private readonly cache = new Map<string, KstTime[]>();
  constructor(private readonly calendar: TradingCalendar) {}

  /** Expected candle minutes of one product on one trading date ([] where the calendar has no data). */
  minutesOn(product: SessionProduct, tradingDate: KstDate, expiry?: KstDate): KstTime[] {
    const expiring = product === 'derivatives' && expiry === tradingDate;
    const key = `${product}|${tradingDate}|${expiring ? 1 : 0}`;
    let m = this.cache.get(key);
    if (!m) {
      m = this.calendar.covers(tradingDate) ? this.calendar.candleMinutes(product, tradingDate, { expiring }) : [];
      if (this.cache.size > 512) this.cache.clear();
      this.cache.set(key, m);
    }
    return m;
  }

  /** Candle minutes of `products` with `after < m <= upTo`, ascending, no duplicates. */
  between(products: readonly SessionProduct[], after: KstTime, upTo: KstTime, expiry?: KstDate): KstTime[] {
    if (upTo <= after) return [];
    const out = new Set<KstTime>();
    // A night session belongs to the next trading date, so look one date past the window too.
    const last = addDays(dateOf(upTo), 1);
    for (let d = addDays(dateOf(after), -1); d <= last; d = addDays(d, 1)) {
      if (expiry && d > expiry) break;
      for (const p of products) for (const m of this.minutesOn(p, d, expiry)) if (m > after && m <= upTo) out.add(m);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** The first candle minute after `after` within `horizonMinutes`, if any. */
  next(products: readonly SessionProduct[], after: KstTime, horizonMinutes: number, expiry?: KstDate): KstTime | undefined {
    return this.between(products, after, addMinutes(after, horizonMinutes), expiry)[0];
  }

  /** Start of the session `m` belongs to, minus one minute: the baseline for an instrument never scheduled before. */
  sessionBaseline(products: readonly SessionProduct[], m: KstTime, expiry?: KstDate): KstTime {
    let best = m;
    for (const p of products) {
      const s = this.calendar.sessionForCandle(p, m, expiry ? { expiring: expiry === dateOf(m) } : {}) ?? this.calendar.sessionAt(p, m);
      if (s && s.open - MINUTE < best) best = (s.open - MINUTE) as KstTime;
    }
    return best;
  }
}

/** Splits [from, to) into pages of at most `pageMinutes` minutes. */
export function pages(from: KstTime, to: KstTime, pageMinutes: number): { from: KstTime; to: KstTime }[] {
  const out: { from: KstTime; to: KstTime }[] = [];
  const step = Math.max(1, Math.floor(pageMinutes)) * MINUTE;
  for (let f = from; f < to; f = (f + step) as KstTime) out.push({ from: f, to: Math.min(to, f + step) as KstTime });
  return out;
}
