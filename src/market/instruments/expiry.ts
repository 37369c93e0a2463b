/**
 * Last trading days of index derivatives. Monthly (and futures): 2nd Thursday, moved EARLIER one trading day
 * at a time over holidays. Thursday weeklies: every other Thursday (none on the 2nd), moved earlier.
 * Monday weeklies: every Monday, moved LATER. Beyond the calendar's shipped data the nominal date is used
 * (weekends still skipped): holidays that far out are not known yet.
 */
import { addDays, kstTime, dateOf, weekday, type KstDate } from '../../time/kst.js';
import { defaultCalendar, type TradingCalendar } from '../calendar/index.js';
import type { OptionSeries } from '../types.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number): KstDate => dateOf(kstTime(y, m, d));

function trades(cal: TradingCalendar, d: KstDate): boolean {
  if (cal.covers(d)) return cal.isTradingDay(d);
  const wd = weekday(d);
  return wd !== 0 && wd !== 6;
}

function moveEarlier(cal: TradingCalendar, d: KstDate): KstDate {
  while (!trades(cal, d)) d = addDays(d, -1);
  return d;
}

function moveLater(cal: TradingCalendar, d: KstDate): KstDate {
  while (!trades(cal, d)) d = addDays(d, 1);
  return d;
}

/** The n-th (1-based) given weekday (0 Sun … 6 Sat) of a month, unadjusted. */
export function nthWeekdayOfMonth(year: number, month: number, wd: number, n: number): KstDate {
  const first = ymd(year, month, 1);
  const offset = (wd - weekday(first) + 7) % 7;
  return addDays(first, offset + 7 * (n - 1));
}

/** Last trading day of the monthly options and futures of `year`-`month` (1–12). */
export function monthlyExpiry(
  year: number,
  month: number,
  cal: TradingCalendar = defaultCalendar(),
): KstDate {
  if (!Number.isInteger(month) || month < 1 || month > 12)
    throw new RangeError(`month must be 1–12, got ${month}`);
  return moveEarlier(cal, nthWeekdayOfMonth(year, month, 4, 2));
}

const WEEKLY_FROM = { thu: '2019-09-26', mon: '2023-08-07' } as const;

/**
 * The next `count` weekly expiries on or after `date`, one per weekly series, in date order.
 * `thu`: Thursday weeklies (listed since 2019-09-23); `mon`: Monday weeklies (since 2023-07-31).
 */
export function weeklyExpiries(
  kind: 'thu' | 'mon',
  date: KstDate,
  count: number,
  cal: TradingCalendar = defaultCalendar(),
): KstDate[] {
  const target = kind === 'thu' ? 4 : 1;
  // Monday expiries roll forward, so a Monday up to a week before `date` may still be pending.
  let nominal = addDays(date, ((target - weekday(date) + 7) % 7) - (kind === 'mon' ? 7 : 0));
  const out: KstDate[] = [];
  while (out.length < count) {
    const dayOfMonth = Number(nominal.slice(8, 10));
    const secondThursday = kind === 'thu' && dayOfMonth >= 8 && dayOfMonth <= 14;
    if (!secondThursday && nominal >= WEEKLY_FROM[kind]) {
      const adjusted = kind === 'thu' ? moveEarlier(cal, nominal) : moveLater(cal, nominal);
      if (adjusted >= date) out.push(adjusted);
    }
    nominal = addDays(nominal, 7);
  }
  return out;
}

/**
 * Expiry of a weekly named in the KIS master as `YYMMWn` (e.g. `2609W4`): the n-th Thursday (or Monday) of
 * that month, adjusted like any weekly. The week number's meaning is inferred from the first weekly
 * (`1909W4` = 2019-09-26, the 4th Thursday).
 */
export function weeklyExpiryFromLabel(
  kind: 'thu' | 'mon',
  year: number,
  month: number,
  week: number,
  cal: TradingCalendar = defaultCalendar(),
): KstDate {
  const nominal = nthWeekdayOfMonth(year, month, kind === 'thu' ? 4 : 1, week);
  return kind === 'thu' ? moveEarlier(cal, nominal) : moveLater(cal, nominal);
}

/** The expiry of the nearest series of a kind that has not expired by `date` (the expiry day itself counts). */
export function nearestOptionExpiry(
  series: OptionSeries,
  date: KstDate,
  cal: TradingCalendar = defaultCalendar(),
): KstDate {
  if (series === 'weekly-thu') return weeklyExpiries('thu', date, 1, cal)[0]!;
  if (series === 'weekly-mon') return weeklyExpiries('mon', date, 1, cal)[0]!;
  let y = Number(date.slice(0, 4));
  let m = Number(date.slice(5, 7));
  for (;;) {
    const e = monthlyExpiry(y, m, cal);
    if (e >= date) return e;
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

export const yyyymm = (y: number, m: number): string => `${y}${pad2(m)}`;
