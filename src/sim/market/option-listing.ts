/**
 * Which KOSPI200 option series and strikes are listed on a date.
 *
 * Monthly: the 4 nearest non-quarterly months + 7 quarterly (March ×1, September ×1, June ×2, December ×3).
 * Weeklies: each is listed a week before its expiry (Thursday series on Thursdays, Monday on Mondays).
 * Strikes: every trading day from listing, strikes are added around the day's at-the-money level (the
 * previous close) — 2.5-point grid with N per side for the 6 nearest months and weeklies, 5 points for
 * the 7th–8th, 10 points for the farthest three — and never delisted before expiry, so the ladder is
 * the union over the series' life so far.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import { monthlyExpiry, weeklyExpiries } from '../../market/instruments/index.js';
import type { OptionSeries } from '../../market/types.js';
import { addDays, type KstDate } from '../../time/kst.js';

export interface MonthlySeries {
  year: number;
  month: number;
  expiry: KstDate;
}

const QUARTER_CAPS: Record<number, number> = { 3: 1, 6: 2, 9: 1, 12: 3 };

/** Monthly option series listed on `date`, nearest first. */
export function listedMonthlies(cal: TradingCalendar, date: KstDate): MonthlySeries[] {
  let y = Number(date.slice(0, 4));
  let m = Number(date.slice(5, 7));
  const out: MonthlySeries[] = [];
  const quarterly: Record<number, number> = { 3: 0, 6: 0, 9: 0, 12: 0 };
  let serial = 0;
  for (let guard = 0; guard < 48 && (serial < 4 || out.length - serial < 7); guard++) {
    const expiry = monthlyExpiry(y, m, cal);
    if (expiry >= date) {
      if (m % 3 !== 0) {
        if (serial < 4) {
          serial++;
          out.push({ year: y, month: m, expiry });
        }
      } else if (quarterly[m]! < QUARTER_CAPS[m]!) {
        quarterly[m]!++;
        out.push({ year: y, month: m, expiry });
      }
    }
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

/** Weekly expiries listed on `date`: those expiring within the next 7 days (the next one is listed a week ahead). */
export function listedWeeklies(
  cal: TradingCalendar,
  series: 'weekly-thu' | 'weekly-mon',
  date: KstDate,
): KstDate[] {
  const kind = series === 'weekly-thu' ? 'thu' : 'mon';
  return weeklyExpiries(kind, date, 2, cal).filter((e) => e <= addDays(date, 7));
}

/** Option expiries of a series listed on `date`, nearest first. */
export function listedExpiries(cal: TradingCalendar, series: OptionSeries, date: KstDate): KstDate[] {
  if (!cal.covers(date)) return [];
  return series === 'monthly'
    ? listedMonthlies(cal, date).map((s) => s.expiry)
    : listedWeeklies(cal, series, date);
}

/** First date on which the series expiring on `expiry` was listed. */
export function listingDate(cal: TradingCalendar, series: OptionSeries, expiry: KstDate): KstDate {
  if (series !== 'monthly') return addDays(expiry, -7);
  // A month enters the list the day after some earlier monthly expiry; scan those, oldest first.
  const y = Number(expiry.slice(0, 4));
  const m = Number(expiry.slice(5, 7));
  for (let k = 40; k >= 1; k--) {
    const mm = ((((m - 1 - k) % 12) + 12) % 12) + 1;
    const yy = y + Math.floor((m - 1 - k) / 12);
    const day = addDays(monthlyExpiry(yy, mm, cal), 1);
    if (!cal.covers(day)) continue;
    if (listedExpiries(cal, 'monthly', day).includes(expiry)) return day;
  }
  return addDays(expiry, -1);
}

export interface LadderRule {
  step: number;
  perSide: number;
}

/** Strike spacing and count per side, by the series' rank among listed monthlies (weeklies: `weekly`). */
export function ladderRule(series: OptionSeries, rank: number, near: number, weekly: number): LadderRule {
  if (series !== 'monthly') return { step: 2.5, perSide: weekly };
  if (rank < 6) return { step: 2.5, perSide: near };
  if (rank < 8) return { step: 5, perSide: 6 };
  return { step: 10, perSide: 3 };
}

/** Strikes (in hundredths, to stay exact) added on one day around an at-the-money level. */
export function addStrikes(set: Set<number>, atm: number, rule: LadderRule): void {
  const centre = Math.round(atm / rule.step) * rule.step;
  for (let i = -rule.perSide; i <= rule.perSide; i++) {
    const k = centre + i * rule.step;
    if (k > 0) set.add(Math.round(k * 100));
  }
}
