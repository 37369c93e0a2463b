/**
 * Per-date session times (minutes after midnight KST), from the shipped data, the KRX rules and overrides.
 * Pure: no I/O, no clock. `trading-calendar.ts` turns these into `Session`s.
 */
import { UserError } from '../../errors.js';
import { weekday, type KstDate } from '../../time/kst.js';
import { KRX_DATA_FROM, KRX_DATA_TO, KRX_DAYS, KRX_NIGHT_CLOSURES, type KrxDayRecord } from './krx-days.js';
import { hhmmToMinutes, type CalendarOverride } from './overrides.js';

export interface SessionTimes {
  /** Continuous trading start, minutes after midnight of the date. */
  open: number;
  /** Official close (end of the closing call auction); may exceed 1440 for the night session. */
  close: number;
  /** Length of the opening / closing call auctions in minutes. */
  openAuction: number;
  closeAuction: number;
  note?: string;
}

export interface DayPlan {
  date: KstDate;
  /** Shipped-data row for the date, if any (holiday, late open, CSAT). */
  record?: KrxDayRecord;
  overrides: CalendarOverride[];
  stocks?: SessionTimes;
  derivatives?: SessionTimes;
  /** The night session OPENING on this date's evening (it belongs to the next trading day). */
  night?: SessionTimes;
}

/** Thrown for dates the shipped data does not cover: the calendar refuses to guess holidays. */
export class CalendarRangeError extends UserError {
  constructor(readonly date: string) {
    super(
      `no KRX calendar data for ${date}: the shipped calendar covers ${KRX_DATA_FROM}..${KRX_DATA_TO} ` +
        `(update krtrade for later years)`,
    );
  }
}

const H = 60;
/** KRX moved the index-derivatives open from 09:00 to 08:45 on this date (opening auction still from 08:30). */
export const DERIVATIVES_EARLY_OPEN_FROM = '2023-07-31';
/** First evening of KRX's own night derivatives session. */
export const NIGHT_SESSION_FROM = '2025-06-09';

const NORMAL_STOCKS = { open: 9 * H, close: 15 * H + 30 };
const NIGHT = { open: 18 * H, close: 30 * H, openAuction: 10, closeAuction: 10 };
/** Expiring series stop 25 minutes before the regular derivatives close (15:20 vs 15:45). */
export const EXPIRING_CLOSE_EARLIER_BY = 25;

function normalDerivatives(date: string): { open: number; close: number } {
  return { open: date >= DERIVATIVES_EARLY_OPEN_FROM ? 8 * H + 45 : 9 * H, close: 15 * H + 45 };
}

/** Opening auction of the derivatives day session: from 08:30 (shifted with the open) to the open. */
const derivativesOpenAuction = (date: string): number => (date >= DERIVATIVES_EARLY_OPEN_FROM ? 15 : 30);

const RECORDS = new Map(KRX_DAYS.map((r) => [r.date, r]));
const NIGHT_CLOSED = new Map(KRX_NIGHT_CLOSURES.map((n) => [n.evening, n]));

export const coversDate = (d: string): boolean => d >= KRX_DATA_FROM && d <= KRX_DATA_TO;

function withTimes(base: SessionTimes, o: CalendarOverride): SessionTimes {
  const open = o.openTime !== undefined ? hhmmToMinutes(o.openTime) : base.open;
  let close = o.closeTime !== undefined ? hhmmToMinutes(o.closeTime) : base.close;
  // A close at or before the open is the next morning (night sessions).
  while (close <= open) close += 24 * H;
  return { ...base, open, close, note: o.reason || base.note };
}

/** Applies the overrides for one product (`all` first, then the product's own) to its shipped times. */
function applyOverrides(
  base: SessionTimes | undefined,
  normal: SessionTimes,
  overrides: CalendarOverride[],
  product: CalendarOverride['product'],
): SessionTimes | undefined {
  let out = base;
  const relevant = [
    ...overrides.filter((o) => o.product === 'all'),
    ...overrides.filter((o) => o.product === product),
  ];
  for (const o of relevant) {
    if (o.kind === 'closed') out = undefined;
    else if (o.kind === 'open') out = out ?? { ...normal, note: o.reason || undefined };
    else out = withTimes(out ?? normal, o);
  }
  return out;
}

export function buildDayPlan(date: KstDate, overrides: CalendarOverride[]): DayPlan {
  if (!coversDate(date)) throw new CalendarRangeError(date);
  const record = RECORDS.get(date);
  const wd = weekday(date);
  const closed = wd === 0 || wd === 6 || record?.kind === 'closed';
  const note = record && record.kind !== 'closed' ? record.name : undefined;

  const stocksNormal: SessionTimes = { ...NORMAL_STOCKS, openAuction: 30, closeAuction: 10 };
  const stocksShipped: SessionTimes | undefined = closed
    ? undefined
    : record?.stocks
      ? {
          open: hhmmToMinutes(record.stocks.open),
          close: hhmmToMinutes(record.stocks.close),
          openAuction: 30,
          closeAuction: 10,
          note,
        }
      : stocksNormal;

  const derivNormal: SessionTimes = {
    ...normalDerivatives(date),
    openAuction: derivativesOpenAuction(date),
    closeAuction: 10,
  };
  const derivShipped: SessionTimes | undefined = closed
    ? undefined
    : record?.derivatives
      ? {
          ...derivNormal,
          open: hhmmToMinutes(record.derivatives.open),
          close: hhmmToMinutes(record.derivatives.close),
          note,
        }
      : derivNormal;

  const own = overrides.filter((o) => o.date === date);
  const dayOverrides = own.filter((o) => o.product !== 'night');
  const stocks = applyOverrides(stocksShipped, stocksNormal, dayOverrides, 'stocks');
  const derivatives = applyOverrides(derivShipped, derivNormal, dayOverrides, 'derivatives');

  // The night session needs its opening evening to be a derivatives trading day, and not a declared closure.
  const csat = record?.kind === 'csat';
  const nightNormal: SessionTimes = {
    ...NIGHT,
    open: csat ? 19 * H : NIGHT.open,
    note: csat ? 'CSAT day: opens 19:00' : undefined,
  };
  const nightShipped =
    derivatives && date >= NIGHT_SESSION_FROM && !NIGHT_CLOSED.has(date) ? nightNormal : undefined;
  const night = applyOverrides(
    nightShipped,
    nightNormal,
    own.filter((o) => o.product === 'night'),
    'night',
  );

  return { date, record, overrides: own, stocks, derivatives, night };
}

/** Why there is no night session on an evening that would otherwise have one (for display). */
export const nightClosureReason = (evening: string): string | undefined => NIGHT_CLOSED.get(evening)?.reason;
