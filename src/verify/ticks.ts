/**
 * Ticks coverage: for each instrument subscribed with kind `ticks`, whether the realtime stream recorded each
 * closed candle minute, and what REST has repaired.
 *
 * The rule, per expected minute (the calendar's candle minutes, closed ones only):
 * - **recorded**: `tick_bars_1m` has the minute. The stream worker stores a tick bar only for a minute it saw
 *   whole: a minute touched by a stream gap (disconnect, crash, registration not yet acknowledged) is partial
 *   and never stored, so a tick bar is proof the minute's trades are all in `ticks`.
 * - **backfilled**: no tick bar, but the REST minute bar is stored (`candles_1m`): the stream missed the
 *   minute (a recorded gap, or the stream was not running) and REST repaired what it can — the bar.
 * - **missing**: neither. A gap the stream recorded enqueues REST bars for its minutes, so a gap minute is
 *   missing exactly while that backfill has not landed; `verify --repair` enqueues it again. (KIS sends no bar
 *   for a minute without trades: such a minute stays missing, as it does for candles.)
 *
 * Only stocks and futures: the near-money options the stream picks depend on the day's forward, and KIS
 * keeps no minute-bar history of options we fetch, so their ticks are not verified here.
 */
import type pg from 'pg';
import { minutesPresent } from '../db/readers.js';
import { errorMessage } from '../errors.js';
import type { TradingCalendar } from '../market/calendar/index.js';
import type { Subscription, InstrumentRules } from '../pipeline/subscriptions.js';
import { streamTargets } from '../stream/registrations.js';
import { addDays, formatKst, startOfDate, type KstDate, type KstTime } from '../time/kst.js';
import { classify, expectedMinutes } from './completeness.js';

export interface TicksCoverage {
  instrument: string;
  tradingDate: KstDate;
  expected: number;
  recorded: number;
  backfilled: number;
  /** Minutes neither recorded by the stream nor repaired by REST. */
  missingMinutes: KstTime[];
  /** Minutes the stream missed that REST repaired (its bar stands in for the ticks). */
  backfilledMinutes: KstTime[];
  /** Set when the instrument could not be classified; nothing was checked for it. */
  error?: string;
}

/** Stocks and futures subscribed with kind `ticks` on `date`. */
export function tickSubscribed(subs: readonly Subscription[], date: KstDate, rules: InstrumentRules): string[] {
  return streamTargets(subs, date, rules, () => null, 0)
    .filter((t) => t.family !== 'option' && t.kinds.includes('ticks'))
    .map((t) => t.code)
    .sort();
}

async function tickBarMinutes(pool: pg.Pool, symbol: string, date: KstDate): Promise<Set<number>> {
  // Bounded time scan, as for candles: the night session before the date belongs to it.
  const r = await pool.query<{ timestamp: KstTime }>(
    `SELECT "timestamp" FROM tick_bars_1m WHERE symbol = $1 AND trading_date = $2 AND "timestamp" >= $3 AND "timestamp" < $4`,
    [symbol, date, formatKst(startOfDate(addDays(date, -10))), formatKst(startOfDate(addDays(date, 1)))],
  );
  return new Set(r.rows.map((x) => x.timestamp));
}

export async function verifyTicks(
  pool: pg.Pool,
  o: { date: KstDate; calendar: TradingCalendar; instruments: readonly string[]; upTo?: KstTime },
): Promise<TicksCoverage[]> {
  const out: TicksCoverage[] = [];
  for (const instrument of o.instruments) {
    const base = { instrument, tradingDate: o.date, expected: 0, recorded: 0, backfilled: 0, missingMinutes: [], backfilledMinutes: [] };
    let expected: Set<number>;
    try {
      const c = await classify(pool, instrument, o.calendar);
      if (c.expiry !== undefined && c.expiry < o.date) continue;
      expected = expectedMinutes(o.calendar, o.date, c, o.upTo);
    } catch (e) {
      out.push({ ...base, error: errorMessage(e) });
      continue;
    }
    const ticks = await tickBarMinutes(pool, instrument, o.date);
    const rest = new Set<number>(await minutesPresent(pool, { symbol: instrument, tradingDate: o.date }));
    const sorted = [...expected].sort((a, b) => a - b) as KstTime[];
    const backfilledMinutes = sorted.filter((m) => !ticks.has(m) && rest.has(m));
    const missingMinutes = sorted.filter((m) => !ticks.has(m) && !rest.has(m));
    out.push({ ...base, expected: sorted.length, recorded: sorted.length - backfilledMinutes.length - missingMinutes.length, backfilled: backfilledMinutes.length, missingMinutes, backfilledMinutes });
  }
  return out;
}
