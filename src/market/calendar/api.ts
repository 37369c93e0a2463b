/** The calendar contract the whole team codes against (re-exported from `index.ts`). */
import type { Instant, KstDate, KstTime } from '../../time/kst.js';
import type { Session, SessionProduct } from '../types.js';
import type { KrxDayKind } from './krx-days.js';
import type { CalendarOverride } from './overrides.js';

export interface SessionOptions {
  /**
   * Derivatives day session of a series on its last trading day: 08:45–15:20, i.e. the regular close minus
   * 25 minutes (CSAT expiries: 16:20, unverified), closing call in the last 10 minutes (15:10–15:20) [inferred].
   * The caller asserts that the series expires that day; the calendar does not check. Ignored for other products.
   */
  expiring?: boolean;
}

export interface DayInfo {
  date: KstDate;
  tradingDay: boolean;
  /** Holiday or special-session name ('Chuseok', 'CSAT day', …), or the override's reason. */
  name?: string;
  kind?: KrxDayKind;
  confidence?: 'confirmed' | 'derived';
  overrides: CalendarOverride[];
}

/**
 * KRX trading calendar, 2020–2027 shipped data plus overrides. All times are KST wall-clock.
 *
 * Sessions: `open` is the start of continuous trading, `close` the official close (the END of the closing
 * call auction: stocks 15:30, derivatives 15:45, night 06:00). `sessionAt`/`isOpen` use `open <= t < close`,
 * so the closing auction is INCLUDED and the opening auction (before `open`) is EXCLUDED.
 * Night sessions run 18:00–06:00 from the evening of a trading day and belong to the NEXT trading day.
 * Dates outside the shipped data throw `CalendarRangeError`.
 *
 * Candle convention: a candle is labelled with its minute START. A session's candle minutes are every
 * minute from `open` up to (excluding) the closing-auction start, plus ONE candle at `close` (the closing
 * print). Expiring series follow the same rule with their 15:20 close: 08:45…15:09 and 15:20.
 */
export interface TradingCalendar {
  /** KRX open that date (stocks or derivatives day session). */
  isTradingDay(d: KstDate): boolean;
  /** Strictly after d. */
  nextTradingDay(d: KstDate): KstDate;
  /** Strictly before d. */
  previousTradingDay(d: KstDate): KstDate;
  /** For `night`, the session belonging to `tradingDate` (it opened the previous trading evening). */
  session(product: SessionProduct, tradingDate: KstDate, opts?: SessionOptions): Session | undefined;
  /** Every session whose trading date is `tradingDate`, by open time (night first). */
  sessionsOn(tradingDate: KstDate): Session[];
  /** The session with `open <= t < close` (closing auction included, opening auction excluded). */
  sessionAt(product: SessionProduct, t: KstTime): Session | undefined;
  /** The current session if t is inside one, else the next to open. */
  nextSession(product: SessionProduct, t: KstTime): Session;
  isOpen(product: SessionProduct, t: KstTime): boolean;
  isOpenAt(product: SessionProduct, t: Instant): boolean;
  /** Minute starts expected to carry a 1-minute candle (see the candle convention above). */
  candleMinutes(product: SessionProduct, tradingDate: KstDate, opts?: SessionOptions): KstTime[];
  expectedCandles(product: SessionProduct, tradingDate: KstDate, opts?: SessionOptions): number;

  // ---- extras ----
  /** The session in which `minute` (a minute start) is an expected candle minute, if any. */
  sessionForCandle(product: SessionProduct, minute: KstTime, opts?: SessionOptions): Session | undefined;
  isCandleMinute(product: SessionProduct, minute: KstTime, opts?: SessionOptions): boolean;
  /** Trading date of a tick/candle at `t` (night ticks belong to the next trading day); undefined outside sessions. */
  tradingDateAt(product: SessionProduct, t: KstTime): KstDate | undefined;
  /** The night session opening on the evening of `evening`, if any. */
  nightOpeningOn(evening: KstDate): Session | undefined;
  /** Whether the shipped data covers the date (otherwise the other methods throw `CalendarRangeError`). */
  covers(d: KstDate): boolean;
  dayInfo(d: KstDate): DayInfo;
}
