/**
 * The only module that converts between instants and KST wall-clock.
 *
 * Two branded number types keep them apart at compile time:
 * - `Instant`: milliseconds since the Unix epoch (a point in time, like Date.now()).
 * - `KstTime`: the KST wall-clock reading encoded as `Date.UTC(y, m, d, h, mi, s, ms)` of that
 *   reading. It is what lands in `TIMESTAMP` (no time zone) columns. Arithmetic on it is plain
 *   wall-clock arithmetic; formatting it uses UTC accessors only, so the process's own TZ never matters.
 * - `KstDate`: a KST calendar date as `YYYY-MM-DD`.
 *
 * Asia/Seoul has had a fixed +09:00 offset since 1988; for older instants luxon's tz database is used
 * (DST in 1987–88, +08:30 before 1961).
 */
import { DateTime } from 'luxon';

export type Instant = number & { readonly __brand: 'Instant' };
export type KstTime = number & { readonly __brand: 'KstTime' };
export type KstDate = string & { readonly __brand: 'KstDate' };

export const KST_ZONE = 'Asia/Seoul';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KST_OFFSET = 9 * HOUR;
/** From 1989-01-01 KST the offset is always +09:00. */
const FIXED_OFFSET_FROM = Date.UTC(1988, 11, 31, 15);

export class TimeFormatError extends Error {
  constructor(
    readonly input: string,
    readonly expected: string,
  ) {
    super(`invalid time value ${JSON.stringify(input)}: expected ${expected}`);
    this.name = 'TimeFormatError';
  }
}

export const instant = (ms: number): Instant => ms as Instant;
export const nowInstant = (): Instant => Date.now() as Instant;

export function toKst(t: Instant): KstTime {
  if (t >= FIXED_OFFSET_FROM) return (t + KST_OFFSET) as KstTime;
  const dt = DateTime.fromMillis(t, { zone: KST_ZONE });
  return (t + dt.offset * 60_000) as KstTime;
}

export function toInstant(k: KstTime): Instant {
  if (k >= FIXED_OFFSET_FROM + KST_OFFSET) return (k - KST_OFFSET) as Instant;
  const d = new Date(k);
  const dt = DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      millisecond: d.getUTCMilliseconds(),
    },
    { zone: KST_ZONE },
  );
  return dt.toMillis() as Instant;
}

/** Builds a wall-clock value from its parts (month 1–12). */
export function kstTime(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): KstTime {
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) as KstTime;
}

export const addMinutes = (k: KstTime, n: number): KstTime => (k + n * 60_000) as KstTime;
export const addSeconds = (k: KstTime, n: number): KstTime => (k + n * 1000) as KstTime;
export const floorMinute = (k: KstTime): KstTime => (k - (((k % 60_000) + 60_000) % 60_000)) as KstTime;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
const pad3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

/** `YYYY-MM-DD HH:MM:SS` (plus `.mmm` when non-zero): the form PostgreSQL TIMESTAMP reads and prints. */
export function formatKst(k: KstTime): string {
  const d = new Date(k);
  const base =
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms ? `${base}.${pad3(ms)}` : base;
}

/** ISO-like `YYYY-MM-DDTHH:MM:SS` for logs and JSON output (no offset: it is wall-clock). */
export const formatKstIso = (k: KstTime): string => formatKst(k).replace(' ', 'T');

const KST_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/** Parses `YYYY-MM-DD[ HH:MM[:SS[.fff]]]` (space or T) as a KST wall-clock value. */
export function parseKst(s: string): KstTime {
  const m = KST_RE.exec(s.trim());
  if (!m) throw new TimeFormatError(s, 'YYYY-MM-DD[THH:MM[:SS]] (KST)');
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m;
  const ms = frac ? Math.floor(Number(frac.padEnd(3, '0').slice(0, 3))) : 0;
  const k = kstTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec), ms);
  const back = new Date(k);
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() + 1 !== Number(mo) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) {
    throw new TimeFormatError(s, 'a real calendar date and time');
  }
  return k;
}

/** KIS `YYYYMMDD` + `HHMMSS`. Hours 24–29 (KIS's night-session encoding) roll into the next day. */
export function fromKisDateTime(yyyymmdd: string, hhmmss: string): KstTime {
  if (!/^\d{8}$/.test(yyyymmdd)) throw new TimeFormatError(yyyymmdd, 'YYYYMMDD');
  if (!/^\d{6}$/.test(hhmmss)) throw new TimeFormatError(hhmmss, 'HHMMSS');
  const y = +yyyymmdd.slice(0, 4), mo = +yyyymmdd.slice(4, 6), d = +yyyymmdd.slice(6, 8);
  const h = +hhmmss.slice(0, 2), mi = +hhmmss.slice(2, 4), s = +hhmmss.slice(4, 6);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 47 || mi > 59 || s > 59) {
    throw new TimeFormatError(`${yyyymmdd} ${hhmmss}`, 'a valid KIS date and time');
  }
  return kstTime(y, mo, d, h, mi, s);
}

/** Seconds since midnight from KIS `HHMMSS` (hours may exceed 23 in night data). */
export function kisHhmmssToSeconds(hhmmss: string): number {
  if (!/^\d{6}$/.test(hhmmss)) throw new TimeFormatError(hhmmss, 'HHMMSS');
  return +hhmmss.slice(0, 2) * 3600 + +hhmmss.slice(2, 4) * 60 + +hhmmss.slice(4, 6);
}

export const kisDate = (k: KstTime | KstDate): string =>
  (typeof k === 'string' ? k : dateOf(k)).replaceAll('-', '');

export function kisHhmmss(k: KstTime): string {
  const d = new Date(k);
  return `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
}

// ---- dates ----

const DATE_RE = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/** Parses `YYYY-MM-DD` or `YYYYMMDD`. */
export function parseKstDate(s: string): KstDate {
  const m = DATE_RE.exec(s.trim());
  if (!m) throw new TimeFormatError(s, 'YYYY-MM-DD');
  const k = kstTime(Number(m[1]), Number(m[2]), Number(m[3]));
  const out = dateOf(k);
  if (out !== `${m[1]}-${m[2]}-${m[3]}`) throw new TimeFormatError(s, 'a real calendar date');
  return out;
}

export function dateOf(k: KstTime): KstDate {
  const d = new Date(k);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` as KstDate;
}

/** Midnight (00:00 KST) of a date, as wall-clock. */
export const startOfDate = (d: KstDate): KstTime => Date.parse(`${d}T00:00:00Z`) as KstTime;
/** A wall-clock time on a date, from minutes after midnight (may exceed 24 h for night sessions). */
export const atMinutes = (d: KstDate, minutes: number): KstTime => (startOfDate(d) + minutes * 60_000) as KstTime;
export const addDays = (d: KstDate, n: number): KstDate => dateOf((startOfDate(d) + n * DAY) as KstTime);
/** 0 = Sunday … 6 = Saturday. */
export const weekday = (d: KstDate): number => new Date(startOfDate(d)).getUTCDay();
export const minutesOfDay = (k: KstTime): number => Math.floor((((k % DAY) + DAY) % DAY) / 60_000);
export const todayKst = (now: Instant): KstDate => dateOf(toKst(now));
export const daysBetween = (a: KstDate, b: KstDate): number => Math.round((startOfDate(b) - startOfDate(a)) / DAY);
