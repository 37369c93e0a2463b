/** Helpers the quotation handlers share: instrument lookup, KIS date/time inputs, bar building. */
import type { Instrument } from '../../market/types.js';
import {
  type KstDate,
  type KstTime,
  addDays,
  dateOf,
  floorMinute,
  fromKisDateTime,
  kisDate,
  kisHhmmss,
  minutesOfDay,
  startOfDate,
  weekday,
} from '../../time/kst.js';
import type { SimBar, SimMarket } from '../market/types.js';
import type { ServerDeps } from './deps.js';
import type { QuoteRequest } from './http.js';
import { isListedAt } from './listing.js';
import { NIGHT_UNTIL_MINUTE, isNightTime } from './night.js';
import { badInput, unknownCode } from './rest-errors.js';

export type Kinds = readonly Instrument['kind'][];

/** Market-division codes and the instrument kinds they cover. */
export const DIV_KINDS: Record<string, Kinds> = {
  J: ['stock'],
  NX: ['stock'],
  UN: ['stock'],
  F: ['future'],
  CM: ['future'],
  JF: ['future'],
  CF: ['future'],
  O: ['call', 'put'],
  EU: ['call', 'put'],
  JO: ['call', 'put'],
};
export const NIGHT_DIVS = new Set(['CM', 'EU']);

export function param(req: QuoteRequest, name: string): string {
  return (req.query(name) ?? '').trim();
}

/** Resolves `FID_COND_MRKT_DIV_CODE` + `FID_INPUT_ISCD` to an instrument, or a business error naming the problem. */
export function instrumentFrom(
  req: QuoteRequest,
  deps: ServerDeps,
  allowed: readonly string[],
): { inst: Instrument; div: string } {
  const div = param(req, 'FID_COND_MRKT_DIV_CODE').toUpperCase();
  if (!allowed.includes(div)) throw badInput('FID_COND_MRKT_DIV_CODE', div, `one of ${allowed.join('/')}`);
  const code = param(req, 'FID_INPUT_ISCD');
  const inst = deps.market.instrument(code);
  if (!inst || !DIV_KINDS[div]!.includes(inst.kind)) throw unknownCode(code);
  // An expired (or not yet listed) contract is not a live quote: answered like an unknown code.
  if (!isListedAt(inst, req.now, deps.calendar)) throw unknownCode(code);
  return { inst, div };
}

/** A KIS `YYYYMMDD` input, or `fallback` when blank. */
export function dateParam(req: QuoteRequest, name: string, fallback: KstDate): KstDate {
  const v = param(req, name);
  if (!v) return fallback;
  if (!/^\d{8}$/.test(v)) throw badInput(name, v, 'YYYYMMDD');
  try {
    return dateOf(fromKisDateTime(v, '000000'));
  } catch {
    throw badInput(name, v, 'a real date YYYYMMDD');
  }
}

/** Date + HHMMSS (hours up to 47 for night data); blank, `000000` or a future time mean "now" like KIS. */
export function timeParam(req: QuoteRequest, hourName: string, date: KstDate): KstTime {
  const v = param(req, hourName);
  if (!v || v === '000000') return req.now;
  if (!/^\d{6}$/.test(v)) throw badInput(hourName, v, 'HHMMSS');
  let t: KstTime;
  try {
    t = fromKisDateTime(kisDate(date), v);
  } catch {
    throw badInput(hourName, v, 'HHMMSS');
  }
  return t > req.now ? req.now : t;
}

/** Bars of `bucketMs` (30 s, 1 min, 1 h …) in `[from, to)`, oldest first, with the forming bucket last when `to > now`'s bucket start. */
export function bars(
  market: SimMarket,
  code: string,
  from: KstTime,
  to: KstTime,
  now: KstTime,
  bucketMs: number,
): SimBar[] {
  const end = Math.min(to, now) as KstTime;
  if (end <= from) return [];
  let minute: SimBar[];
  if (bucketMs < 60_000) {
    minute = fromTrades(market, code, from, end, bucketMs);
  } else {
    const formingStart = floorMinute(now);
    minute = market.minuteBars(code, from, Math.min(end, formingStart) as KstTime);
    if (formingStart >= from && formingStart < to)
      minute.push(...fromTrades(market, code, formingStart, now, 60_000));
    if (bucketMs > 60_000) minute = regroup(minute, bucketMs);
  }
  return minute;
}

function fromTrades(market: SimMarket, code: string, from: KstTime, to: KstTime, bucketMs: number): SimBar[] {
  const out: SimBar[] = [];
  for (const t of market.trades(code, from, to)) {
    const p = t.price;
    const bar = {
      code,
      time: t.time,
      open: p,
      high: p,
      low: p,
      close: p,
      volume: t.qty,
      cumValue: t.cumValue,
    };
    addToBucket(out, bar, bucketMs);
  }
  return out;
}

function regroup(minute: SimBar[], bucketMs: number): SimBar[] {
  const out: SimBar[] = [];
  for (const m of minute) addToBucket(out, m, bucketMs);
  return out;
}

/** Folds a bar (or a one-trade bar) in time order into `out`'s bucket of `bucketMs` it falls in. */
function addToBucket(out: SimBar[], bar: SimBar, bucketMs: number): void {
  const start = (bar.time - (bar.time % bucketMs)) as KstTime;
  const b = out[out.length - 1];
  if (b && b.time === start) {
    b.high = Math.max(b.high, bar.high);
    b.low = Math.min(b.low, bar.low);
    b.close = bar.close;
    b.volume += bar.volume;
    b.cumValue = bar.cumValue;
  } else out.push({ ...bar, time: start });
}

/**
 * Up to `cap` bars ending at `until`, newest first, walking back day by day (at most `maxDays`), keeping only
 * day-session or night-session bars as the market division asks.
 */
export function barsBack(
  market: SimMarket,
  code: string,
  until: KstTime,
  now: KstTime,
  bucketMs: number,
  cap: number,
  opts: { night?: boolean; maxDays: number; notBefore?: KstTime },
): SimBar[] {
  const out: SimBar[] = [];
  let dayStart = startOfDate(dateOf(until));
  // Include the bucket that contains `until` (its start is <= until).
  let to = (until - (until % bucketMs) + bucketMs) as KstTime;
  for (let d = 0; d < opts.maxDays && out.length < cap; d++) {
    const from = Math.max(dayStart, opts.notBefore ?? dayStart) as KstTime;
    const chunk = bars(market, code, from, to, now, bucketMs).filter(
      (b) => opts.night === undefined || isNightTime(b.time) === opts.night,
    );
    for (let i = chunk.length - 1; i >= 0 && out.length < cap; i--) out.push(chunk[i]!);
    to = dayStart;
    dayStart = startOfDate(addDays(dateOf(dayStart), -1));
    if (opts.notBefore !== undefined && to <= opts.notBefore) break;
  }
  return out;
}

/**
 * KIS row date/time of a bar; night bars after midnight keep the evening's date with hour + 24, up to and
 * including the 06:00 closing candle (`300000`).
 */
export function barDateTime(t: KstTime, nightPlus24: boolean): { date: string; hour: string } {
  const hhmmss = kisHhmmss(t);
  const h = Number(hhmmss.slice(0, 2));
  if (nightPlus24 && minutesOfDay(t) < NIGHT_UNTIL_MINUTE)
    return { date: kisDate(addDays(dateOf(t), -1)), hour: String(h + 24) + hhmmss.slice(2) };
  return { date: kisDate(t), hour: hhmmss };
}

export interface DailyRow {
  date: KstDate;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Traded value (KRW). Finished days: volume × (O+H+L+C)/4 — the model does not build a day to sum it. */
  value: number;
  prevClose: number;
}

/** A finished day from the model's cheap daily bar; the running day from the live snapshot. */
function dayRow(
  market: SimMarket,
  code: string,
  d: KstDate,
  close: KstTime,
  now: KstTime,
): DailyRow | undefined {
  if (close >= now) {
    const s = market.snapshot(code, now);
    if (s.tradingDate !== d || s.cumVolume <= 0) return undefined;
    const { open, high, low, last, cumVolume, cumValue, prevClose } = s;
    return { date: d, open, high, low, close: last, volume: cumVolume, value: cumValue, prevClose };
  }
  const b = market.dailyBar(code, d);
  if (!b || b.volume <= 0) return undefined;
  const perPoint = market.instrument(code)?.multiplier ?? 1;
  const value = Math.round(((b.volume * (b.open + b.high + b.low + b.close)) / 4) * perPoint);
  return {
    date: d,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    value,
    prevClose: b.prevClose,
  };
}

/** Daily rows (newest first) of trading days in [start, end], at most `cap`. */
export function dailyRows(
  deps: ServerDeps,
  code: string,
  start: KstDate,
  end: KstDate,
  now: KstTime,
  closeMinutes: number,
  cap: number,
): DailyRow[] {
  const out: DailyRow[] = [];
  const today = dateOf(now);
  let d = end > today ? today : end;
  for (let guard = 0; d >= start && out.length < cap && guard < 4000; guard++, d = addDays(d, -1)) {
    if (!deps.calendar.covers(d)) break;
    if (!deps.calendar.isTradingDay(d)) continue;
    const close = (startOfDate(d) + (closeMinutes + 1) * 60_000) as KstTime;
    const row = dayRow(deps.market, code, d, close, now);
    if (row) out.push(row);
  }
  return out;
}

/** Groups daily rows (newest first) into weeks, months or years (newest first), labelled by the period's last day. */
export function periodRows(rows: DailyRow[], period: string): DailyRow[] {
  const keyOf = (d: KstDate): string => {
    if (period === 'M') return d.slice(0, 7);
    if (period === 'Y') return d.slice(0, 4);
    if (period === 'W') return addDays(d, -((weekday(d) + 6) % 7));
    return d;
  };
  const out: DailyRow[] = [];
  let key = '';
  for (const r of rows) {
    const k = keyOf(r.date);
    const cur = out[out.length - 1];
    if (cur && k === key) {
      cur.open = r.open;
      cur.high = Math.max(cur.high, r.high);
      cur.low = Math.min(cur.low, r.low);
      cur.volume += r.volume;
      cur.value += r.value;
      cur.prevClose = r.prevClose;
    } else {
      key = k;
      out.push({ ...r });
    }
  }
  return out;
}
