/**
 * Paging helpers that cover a requested range by walking back in time with each endpoint's row cap.
 * Chart endpoints are paged by moving their time/date inputs (not `tr_cont`, reference §3.0).
 * Results are ascending and deduplicated; every loop is bounded and stops when a page makes no progress.
 */
import {
  type KstDate,
  type KstTime,
  addDays,
  addMinutes,
  dateOf,
  floorMinute,
  kisHhmmss,
  parseKstDate,
  todayKst,
  toKst,
} from '../time/kst.js';
import type { Clock } from '../time/clock.js';
import { byDateAscending, byTimeAscending } from './endpoints/bars.js';
import type { FoDailyArgs, FoMinutesArgs } from './endpoints/futures-options.js';
import type { StockDailyArgs, StockMinutesPastArgs, StockMinutesTodayArgs } from './endpoints/stock.js';
import { KisUnsupportedError } from './errors.js';
import { type KisCallOptions, type KisHttp, rowCapOf } from './http.js';
import { ENDPOINTS } from './spec/index.js';
import { type FoMarket, type MinuteBar, type Period, type PeriodBar, isStockMarket, type KisMarket } from './types.js';

export interface FetchMinuteArgs {
  code: string;
  /** `J`/`NX`/`UN` for stocks; an F/O division (`F`, `O`, `CM`, …) for derivatives. */
  market: KisMarket;
  /** Inclusive range of bar labels (minute starts). */
  from: KstTime;
  to: KstTime;
  /** Drop the bar of the minute still in progress (by the client's clock). */
  completedOnly?: boolean;
  /** Upper bound on calls (default 2,000). */
  maxCalls?: number;
}

type Fetch<A, R> = (a: A, opts?: KisCallOptions) => Promise<R>;

/**
 * The part of a KIS client the paging walks use. `KisClient` satisfies it; declared here (not imported
 * from `client.ts`) so the client can depend on paging without a cycle.
 */
export interface BarSource {
  readonly clock: Clock;
  readonly http: Pick<KisHttp, 'supports'>;
  stockMinutesToday: Fetch<StockMinutesTodayArgs, MinuteBar[]>;
  stockMinutesPast: Fetch<StockMinutesPastArgs, MinuteBar[]>;
  stockDaily: Fetch<StockDailyArgs, PeriodBar[]>;
  foMinutes: Fetch<FoMinutesArgs, MinuteBar[]>;
  foDaily: Fetch<FoDailyArgs, PeriodBar[]>;
}

class Budget {
  private used = 0;
  constructor(private readonly max: number, private readonly what: string) {}
  spend(): void {
    if (++this.used > this.max) throw new KisUnsupportedError(this.what, `range needs more than ${this.max} calls; split it`);
  }
}

/** Minute bars covering `[from, to]`, ascending and deduplicated, paging back per day (stocks) or per call (F/O). */
export async function fetchMinuteBars(client: BarSource, a: FetchMinuteArgs, opts: KisCallOptions = {}): Promise<MinuteBar[]> {
  const byTime = new Map<number, MinuteBar>();
  const from = floorMinute(a.from);
  const keep = (b: MinuteBar): void => {
    if (b.time >= from && b.time <= a.to) byTime.set(b.time, b);
  };
  if (isStockMarket(a.market)) await walkStock(client, a, from, keep, opts);
  else await walkFo(client, a, from, keep, opts);
  let bars = byTimeAscending([...byTime.values()]);
  if (a.completedOnly) {
    const now = toKst(client.clock.now());
    bars = bars.filter((b) => addMinutes(b.time, 1) <= now);
  }
  return bars;
}

async function walkStock(client: BarSource, a: FetchMinuteArgs, from: KstTime, keep: (b: MinuteBar) => void, opts: KisCallOptions): Promise<void> {
  const market = a.market as 'J' | 'NX' | 'UN';
  const today = todayKst(client.clock.now());
  const budget = new Budget(a.maxCalls ?? 2_000, ENDPOINTS.stockMinutesPast.path);
  for (let day = dateOf(a.to); day >= dateOf(from); day = addDays(day, -1)) {
    if (day > today) continue;
    const isToday = day === today;
    if (!isToday && !client.http.supports('stockMinutesPast')) {
      throw new KisUnsupportedError(ENDPOINTS.stockMinutesPast.path, `minute bars of past dates (${day}) need a real account; paper accounts only serve today's`);
    }
    const cap = rowCapOf(isToday ? 'stockMinutesToday' : 'stockMinutesPast');
    let until = day === dateOf(a.to) ? kisHhmmss(a.to) : '235959';
    for (;;) {
      budget.spend();
      const rows = isToday
        ? await client.stockMinutesToday({ code: a.code, until, market }, opts)
        : await client.stockMinutesPast({ code: a.code, date: day, until, market }, opts);
      for (const b of rows) if (dateOf(b.time) === day) keep(b);
      const oldest = rows[0];
      if (!oldest || rows.length < cap || oldest.time <= from || dateOf(oldest.time) !== day) break;
      const next = addMinutes(oldest.time, -1);
      if (dateOf(next) !== day || kisHhmmss(next) >= until) break;
      until = kisHhmmss(next);
    }
  }
}

async function walkFo(client: BarSource, a: FetchMinuteArgs, from: KstTime, keep: (b: MinuteBar) => void, opts: KisCallOptions): Promise<void> {
  const cap = rowCapOf('foMinutes');
  const budget = new Budget(a.maxCalls ?? 2_000, ENDPOINTS.foMinutes.path);
  let until = a.to;
  for (;;) {
    budget.spend();
    const rows = await client.foMinutes({ code: a.code, market: a.market as FoMarket, until }, opts);
    rows.forEach(keep);
    const oldest = rows[0];
    if (!oldest || rows.length < cap || oldest.time <= from) break;
    const next = addMinutes(oldest.time, -1);
    if (next >= until) break;
    until = next;
  }
}

export interface FetchDailyArgs {
  code: string;
  market: KisMarket;
  from: KstDate;
  to: KstDate;
  period?: Period;
  maxCalls?: number;
}

/** Period bars covering `[from, to]` (100 per call, newest first at KIS), ascending and deduplicated. */
export async function fetchDailyBars(client: BarSource, a: FetchDailyArgs, opts: KisCallOptions = {}): Promise<PeriodBar[]> {
  const byDate = new Map<string, PeriodBar>();
  const budget = new Budget(a.maxCalls ?? 500, ENDPOINTS.stockDaily.path);
  const cap = rowCapOf('stockDaily');
  let to = a.to;
  while (to >= a.from) {
    budget.spend();
    const args = { code: a.code, from: a.from, to, period: a.period ?? 'D' };
    const rows = isStockMarket(a.market)
      ? await client.stockDaily({ ...args, market: a.market }, opts)
      : await client.foDaily({ ...args, market: a.market }, opts);
    for (const b of rows) if (b.date >= a.from && b.date <= a.to) byDate.set(b.date, b);
    const oldest = rows[0];
    if (!oldest || rows.length < cap) break;
    const next = addDays(parseKstDate(oldest.date), -1);
    if (next >= to) break;
    to = next;
  }
  return byDateAscending([...byDate.values()]);
}
