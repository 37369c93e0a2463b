/**
 * Time to expiry for KOSPI200-family options: calendar time / 365 (KRX's own day count, §5.1 of the
 * market notes), measured in minutes of wall-clock KST so that intraday decay is continuous.
 *
 * The expiry instant is the close of the expiring series on its last trading day: the expiring
 * series trades 08:45–15:20 that day (other series run to 15:45), and the settlement index is fixed
 * minutes later, so 15:20 is where the option's last tradable value lives. When the exchange shifts
 * the session (CSAT day: everything one hour later), pass the calendar's close for that date.
 */
import { atMinutes, type KstDate, type KstTime } from '../time/kst.js';
import { DAYS_PER_YEAR, OptionInputError } from './types.js';

const MS_PER_YEAR = DAYS_PER_YEAR * 24 * 60 * 60_000;
/** 15:20 KST: close of an expiring index-option series on its last trading day. */
export const EXPIRY_CLOSE_MINUTES = 15 * 60 + 20;

/** The expiry instant (KST wall-clock) of a series that expires on `expiry`. */
export function expiryClose(expiry: KstDate, closeMinutes: number = EXPIRY_CLOSE_MINUTES): KstTime {
  if (!Number.isInteger(closeMinutes) || closeMinutes < 0 || closeMinutes >= 24 * 60) {
    throw new OptionInputError(
      `expiry close must be minutes after midnight in [0, 1440), got ${closeMinutes}`,
    );
  }
  return atMinutes(expiry, closeMinutes);
}

/** Years from `from` to `expiryCloseTime` (calendar days/365); 0 once the close has passed. */
export function yearFraction(from: KstTime, expiryCloseTime: KstTime): number {
  if (!Number.isFinite(from) || !Number.isFinite(expiryCloseTime)) {
    throw new OptionInputError(`yearFraction needs finite times, got ${from} and ${expiryCloseTime}`);
  }
  return Math.max(0, (expiryCloseTime - from) / MS_PER_YEAR);
}
