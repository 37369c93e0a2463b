/**
 * Time to expiry from the KRX calendar: ACT/365 in minutes of KST wall-clock up to the close of the expiring
 * series on its last trading day (15:20 normally, later when the exchange shifts the session, e.g. CSAT day).
 */
import type { TradingCalendar } from '../market/calendar/index.js';
import type { KstDate, KstTime } from '../time/kst.js';
import { expiryClose, yearFraction } from './time.js';

/** The expiring series' close on `expiry`, from the calendar when it covers the date, else the usual 15:20. */
export function expiryCloseOnCalendar(calendar: TradingCalendar, expiry: KstDate): KstTime {
  if (!calendar.covers(expiry)) return expiryClose(expiry);
  return calendar.session('derivatives', expiry, { expiring: true })?.close ?? expiryClose(expiry);
}

/** Years from `at` to the expiry close (0 after it). */
export function yearsToExpiryAt(calendar: TradingCalendar, expiry: KstDate, at: KstTime): number {
  return yearFraction(at, expiryCloseOnCalendar(calendar, expiry));
}
