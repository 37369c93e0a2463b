/**
 * Row checks run before a write. Each returns the first problem as a sentence naming the field and
 * value, or null. A rejected row lands in `rejected_rows` with that sentence; the rest of the batch is
 * written.
 */
import { daysBetween, dateOf, formatKst, kstTime, type KstDate, type KstTime } from '../time/kst.js';
import type { Candle } from './types.js';

/** Nothing we record predates KRX index futures (1996) or lies beyond this century. */
export const PLAUSIBLE_FROM = kstTime(1990, 1, 1);
export const PLAUSIBLE_TO = kstTime(2100, 1, 1);
/** A night candle belongs to the next trading day, which may be several holidays away. */
const MAX_TRADING_DATE_LEAD_DAYS = 10;

const SYMBOL_RE = /^[0-9A-Za-z][0-9A-Za-z_.:-]{0,31}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function symbolProblem(field: string, v: unknown): string | null {
  return typeof v === 'string' && SYMBOL_RE.test(v)
    ? null
    : `${field} ${JSON.stringify(v)} is not a valid code (letters, digits, _ . : -; at most 32)`;
}

export function timeProblem(field: string, t: unknown, wholeMinute = false): string | null {
  if (typeof t !== 'number' || !Number.isInteger(t))
    return `${field} ${String(t)} is not a whole-millisecond KstTime number`;
  if (t < PLAUSIBLE_FROM || t >= PLAUSIBLE_TO)
    return `${field} ${String(t)} is outside the plausible range 1990-01-01 … 2100-01-01`;
  if (wholeMinute && t % 60_000 !== 0)
    return `${field} ${formatKst(t as KstTime)} is not a whole minute (candles are labelled by their minute's start)`;
  return null;
}

export function dateProblem(field: string, d: unknown): string | null {
  if (typeof d !== 'string' || !DATE_RE.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
    return `${field} ${JSON.stringify(d)} is not a YYYY-MM-DD date`;
  return null;
}

/** A finite number ≥ 0 (`integer` also requires a whole number); null/undefined allowed when `optional`. */
export function numberProblem(
  field: string,
  v: unknown,
  opts: { optional?: boolean; integer?: boolean; signed?: boolean } = {},
): string | null {
  if (v === null || v === undefined) return opts.optional ? null : `${field} is missing`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${field} ${String(v)} is not a finite number`;
  if (!opts.signed && v < 0) return `${field} ${v} is negative`;
  if (opts.integer && !Number.isSafeInteger(v)) return `${field} ${v} is not a whole number`;
  return null;
}

/** The first non-null string of `checks`, or null. */
export const firstProblem = (...checks: (string | null)[]): string | null =>
  checks.find((c) => c !== null) ?? null;

export function tradingDateProblem(time: KstTime, tradingDate: unknown): string | null {
  const bad = dateProblem('tradingDate', tradingDate);
  if (bad) return bad;
  const lead = daysBetween(dateOf(time), tradingDate as KstDate);
  if (lead < 0 || lead > MAX_TRADING_DATE_LEAD_DAYS) {
    return `tradingDate ${String(tradingDate)} is not within ${MAX_TRADING_DATE_LEAD_DAYS} days on or after the candle's date ${dateOf(time)}`;
  }
  return null;
}

export function candleProblem(c: Candle): string | null {
  const basic = firstProblem(
    symbolProblem('symbol', c.symbol),
    timeProblem('time', c.time, true),
    numberProblem('open', c.open),
    numberProblem('high', c.high),
    numberProblem('low', c.low),
    numberProblem('close', c.close),
    numberProblem('volume', c.volume, { integer: true }),
    numberProblem('openInterest', c.openInterest, { optional: true, integer: true }),
  );
  if (basic) return basic;
  // No KRX price is 0: a 0 is KIS's "none" (a minute without trades), and a missing candle is no row.
  const zero = (['open', 'high', 'low', 'close'] as const).find((f) => c[f] === 0);
  if (zero) return `${zero} 0 is not a price: a minute without trades has no candle`;
  if (c.high < c.low) return `high ${c.high} < low ${c.low}`;
  if (c.open < c.low || c.open > c.high) return `open ${c.open} outside [low ${c.low}, high ${c.high}]`;
  if (c.close < c.low || c.close > c.high) return `close ${c.close} outside [low ${c.low}, high ${c.high}]`;
  return c.tradingDate === undefined ? null : tradingDateProblem(c.time, c.tradingDate);
}

/** A time for JSON: formatted when it is a plausible number, else the raw value as text. */
export const describeTime = (t: unknown): unknown =>
  typeof t === 'number' && Number.isFinite(t) && t >= PLAUSIBLE_FROM && t < PLAUSIBLE_TO
    ? formatKst(t as KstTime)
    : String(t);
