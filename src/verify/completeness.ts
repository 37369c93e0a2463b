/**
 * Completeness of stored minute candles: for each instrument and trading date, the candle minutes the
 * calendar expects (night + day session for derivatives, the shorter 15:20 day for a series on its
 * last trading day; the KRX session for stocks) against the minutes present in Postgres.
 *
 * Which instruments: the ones asked for, else every symbol with candles on that trading date or on
 * the previous trading date (so an instrument that stopped arriving entirely is still checked),
 * except derivatives that expired before the date.
 *
 * `actual` counts expected minutes that are present, so expected − actual = missing. Stored candles at
 * minutes the calendar does not expect are reported as `unexpected` (not an error: e.g. a candle
 * labelled inside a closing auction), and are not written to `data_quality`.
 */
import type pg from 'pg';
import { minutesPresent } from '../db/readers.js';
import { writeDataQuality } from '../db/writer-ops.js';
import type { DataQualityRow, WriteResult } from '../db/types.js';
import { defaultCalendar, type TradingCalendar } from '../market/calendar/index.js';
import { parseInstrumentCode } from '../market/instruments/index.js';
import type { SessionProduct } from '../market/types.js';
import { addDays, formatKst, startOfDate, type KstDate, type KstTime } from '../time/kst.js';
import { errorMessage } from '../errors.js';

export interface VerifyOptions {
  date: KstDate;
  /** Instruments to check; default: discovered from stored candles (see above). */
  symbols?: readonly string[];
  /** Checked too when `symbols` is not given: what the pipeline subscribes to (subscribed but empty = missing). */
  subscribed?: readonly string[];
  /** Not discovered from stored candles (e.g. ticks-only instruments: their gap-repair bars are not a candle subscription). */
  notDiscovered?: readonly string[];
  calendar?: TradingCalendar;
  /** Write `data_quality` rows (default true). */
  write?: boolean;
  /** `checked_at` of the rows (default: the database's current KST time). */
  checkedAt?: KstTime;
  /**
   * Only minutes before this count (the session so far: minutes that have closed). Default: every minute of
   * the date (a date whose sessions are over).
   */
  upTo?: KstTime;
}

export interface InstrumentCompleteness {
  instrument: string;
  tradingDate: KstDate;
  sessions: SessionProduct[];
  expiring: boolean;
  expected: number;
  actual: number;
  missingMinutes: KstTime[];
  unexpectedMinutes: KstTime[];
  /** Set when the instrument could not be classified; nothing was checked for it. */
  error?: string;
}

export interface CompletenessReport {
  tradingDate: KstDate;
  tradingDay: boolean;
  instruments: InstrumentCompleteness[];
  /** True when every checked instrument has every expected minute (and none failed to classify). */
  complete: boolean;
  stored?: WriteResult;
}

export interface Classified {
  sessions: SessionProduct[];
  expiry?: KstDate;
}

export async function classify(pool: pg.Pool, symbol: string, calendar: TradingCalendar): Promise<Classified> {
  const r = await pool.query<{ kind: string; expiry: KstDate | null }>(
    'SELECT kind, expiry FROM instruments WHERE code = $1',
    [symbol],
  );
  // The stored master wins; a code not in it is decoded (throws, naming the code, if unrecognised).
  const known = r.rows[0] ?? parseInstrumentCode(symbol, { calendar });
  const kind = known.kind;
  const expiry = known.expiry ?? undefined;
  const sessions: SessionProduct[] = kind === 'stock' ? ['stocks'] : ['night', 'derivatives'];
  return expiry === undefined ? { sessions } : { sessions, expiry };
}

/** Symbols with candles attributed to `dates` (bounded time scan so partitions' indexes are used). */
async function storedSymbols(pool: pg.Pool, dates: readonly KstDate[]): Promise<string[]> {
  const sorted = [...dates].sort();
  const r = await pool.query<{ symbol: string }>(
    `SELECT DISTINCT symbol FROM candles_1m WHERE trading_date = ANY($1::date[]) AND "timestamp" >= $2 AND "timestamp" < $3 ORDER BY symbol`,
    [
      sorted,
      formatKst(startOfDate(addDays(sorted[0]!, -10))),
      formatKst(startOfDate(addDays(sorted.at(-1)!, 1))),
    ],
  );
  return r.rows.map((x) => x.symbol);
}

/** A result for an instrument that was not checked (unclassifiable, or expired before the date). */
const notChecked = (instrument: string, tradingDate: KstDate, error?: string): InstrumentCompleteness => ({
  instrument,
  tradingDate,
  sessions: [],
  expiring: false,
  expected: 0,
  actual: 0,
  missingMinutes: [],
  unexpectedMinutes: [],
  ...(error === undefined ? {} : { error }),
});

/** The candle minutes the calendar expects of a classified instrument on `date` (before `upTo`, when given). */
export function expectedMinutes(calendar: TradingCalendar, date: KstDate, c: Classified, upTo?: KstTime): Set<number> {
  const expiring = c.expiry === date;
  const expected = new Set<number>();
  for (const product of c.sessions) {
    const opts = product === 'derivatives' && expiring ? { expiring: true } : {};
    for (const m of calendar.candleMinutes(product, date, opts)) if (upTo === undefined || m < upTo) expected.add(m);
  }
  return expected;
}

/** Expected (calendar) against stored minutes of one classified instrument on `date`. */
async function checkInstrument(
  pool: pg.Pool,
  calendar: TradingCalendar,
  instrument: string,
  date: KstDate,
  c: Classified,
  upTo?: KstTime,
): Promise<InstrumentCompleteness> {
  const expiring = c.expiry === date;
  const expected = expectedMinutes(calendar, date, c, upTo);
  const present = new Set<number>(await minutesPresent(pool, { symbol: instrument, tradingDate: date }));
  const missingMinutes = [...expected].filter((m) => !present.has(m)).sort((a, b) => a - b) as KstTime[];
  const unexpectedMinutes = [...present].filter((m) => !expected.has(m) && (upTo === undefined || m < upTo)).sort((a, b) => a - b) as KstTime[];
  return {
    instrument,
    tradingDate: date,
    sessions: c.sessions,
    expiring,
    expected: expected.size,
    actual: expected.size - missingMinutes.length,
    missingMinutes,
    unexpectedMinutes,
  };
}

/** Checks `opts.date` (see the module comment) and, unless `write: false`, records the result in `data_quality`. */
export async function verifyCompleteness(pool: pg.Pool, opts: VerifyOptions): Promise<CompletenessReport> {
  const calendar = opts.calendar ?? defaultCalendar();
  const date = opts.date;
  if (!calendar.isTradingDay(date))
    return { tradingDate: date, tradingDay: false, instruments: [], complete: true };
  const symbols = opts.symbols?.length
    ? [...new Set(opts.symbols)]
    : [...new Set([...(await storedSymbols(pool, [date, calendar.previousTradingDay(date)])).filter((x) => !opts.notDiscovered?.includes(x)), ...(opts.subscribed ?? [])])].sort();
  const results: InstrumentCompleteness[] = [];
  for (const instrument of symbols) {
    let c: Classified;
    try {
      c = await classify(pool, instrument, calendar);
    } catch (e) {
      results.push(notChecked(instrument, date, errorMessage(e)));
      continue;
    }
    // Expired before this date: nothing expected (and only asked-for symbols are reported).
    if (c.expiry !== undefined && c.expiry < date) {
      if (opts.symbols?.length) results.push(notChecked(instrument, date));
      continue;
    }
    results.push(await checkInstrument(pool, calendar, instrument, date, c, opts.upTo));
  }
  const report: CompletenessReport = {
    tradingDate: date,
    tradingDay: true,
    instruments: results,
    complete: results.every((r) => !r.error && r.missingMinutes.length === 0),
  };
  if (opts.write !== false) {
    const rows: DataQualityRow[] = results
      .filter((r) => !r.error && r.expected > 0)
      .map((r) => ({
        instrument: r.instrument,
        tradingDate: r.tradingDate,
        expected: r.expected,
        actual: r.actual,
        missingMinutes: r.missingMinutes,
        ...(opts.checkedAt === undefined ? {} : { checkedAt: opts.checkedAt }),
      }));
    report.stored = await writeDataQuality(pool, rows);
  }
  return report;
}

/** Collapses sorted minutes into `HH:MM–HH:MM` runs for human output. */
export function minuteRuns(minutes: readonly KstTime[]): { from: KstTime; to: KstTime; count: number }[] {
  const runs: { from: KstTime; to: KstTime; count: number }[] = [];
  for (const m of minutes) {
    const last = runs.at(-1);
    if (last && m - last.to === 60_000) {
      last.to = m;
      last.count++;
    } else runs.push({ from: m, to: m, count: 1 });
  }
  return runs;
}
