/**
 * Scheduling arithmetic against the calendar (pure: no Redis, no clock). A candle minute `m` is due once
 * `m + 1 min + buffer` has passed: the bar has closed at KIS and had `buffer` to settle.
 */
import { type KstDate, type KstTime, addDays, dateOf, floorMinute } from '../time/kst.js';
import type { SessionProduct } from '../market/types.js';
import type { TradingCalendar } from '../market/calendar/index.js';

const MINUTE = 60_000;

/**
 * Up to this many skipped minutes are caught up as live jobs (with their strategy batches); more go to one
 * backfill. A few seconds of real lag (a busy event loop) is jitter, not an outage; on an accelerated
 * clock those seconds span more simulated minutes.
 */
export const catchUpLimit = (speed: number): number => Math.max(2, Math.ceil((5_000 * speed) / MINUTE));

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
      m = this.calendar.covers(tradingDate) ? [...this.calendar.candleMinutes(product, tradingDate, { expiring })].sort((a, b) => a - b) : [];
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

  /**
   * The first candle minute after `after`, searching up to `maxDays` trading dates ahead (holidays, a long
   * weekend). On the hot path of every scheduled job: binary search in cached, sorted minute lists.
   * All minutes of trading date d lie in [d-1 18:00, d 15:45], before those of any later trading date,
   * and trading dates before `after`'s calendar date are over, so the first date with a hit has the answer.
   */
  nextAfter(products: readonly SessionProduct[], after: KstTime, expiry?: KstDate, maxDays = 21): KstTime | undefined {
    let d = dateOf(after);
    for (let i = 0; i <= maxDays; i++, d = addDays(d, 1)) {
      if (expiry && d > expiry) return undefined;
      let best: KstTime | undefined;
      for (const p of products) {
        const m = firstAfter(this.minutesOn(p, d, expiry), after);
        if (m !== undefined && (best === undefined || m < best)) best = m;
      }
      if (best !== undefined) return best;
    }
    return undefined;
  }

  /** The newest candle minute at or before `upTo` and after `since`, if any. */
  lastUpTo(products: readonly SessionProduct[], since: KstTime, upTo: KstTime, expiry?: KstDate): KstTime | undefined {
    return this.between(products, since, upTo, expiry).at(-1);
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

function firstAfter(sorted: readonly KstTime[], after: KstTime): KstTime | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}

/** Splits [from, to) into pages of at most `pageMinutes` minutes. */
export function pages(from: KstTime, to: KstTime, pageMinutes: number): { from: KstTime; to: KstTime }[] {
  const out: { from: KstTime; to: KstTime }[] = [];
  const step = Math.max(1, Math.floor(pageMinutes)) * MINUTE;
  for (let f = from; f < to; f = (f + step) as KstTime) out.push({ from: f, to: Math.min(to, f + step) as KstTime });
  return out;
}
