/**
 * Completeness of option boards: one board minute is expected per minute of the derivatives and night
 * sessions of a trading date (the shorter day on the board's expiry) for each subscribed board, and a
 * board minute is stored when `option_chain_raw` holds any row of that board (`underlying_symbol`
 * `KOSPI200:20261210`) at that minute (a rebuilt one counts: src/repair/boards-rebuild.ts). KIS keeps no
 * board history, so a missing board minute is reported here (and in `data_quality`, instrument = the board's
 * underlying symbol), never refetched; the repair loop rebuilds it from per-strike candles.
 */
import type pg from 'pg';
import type { TradingCalendar } from '../market/calendar/index.js';
import type { SessionProduct } from '../market/types.js';
import { writeDataQuality } from '../db/writer-ops.js';
import { addDays, formatKst, startOfDate, type KstDate, type KstTime } from '../time/kst.js';

export interface BoardSubject {
  underlying: string;
  expiry: KstDate;
}

export interface BoardCompleteness {
  /** `option_chain_raw.underlying_symbol` of the board, e.g. `KOSPI200:20261210`. */
  board: string;
  tradingDate: KstDate;
  expected: number;
  actual: number;
  missingMinutes: KstTime[];
}

const BOARD_SESSIONS: SessionProduct[] = ['night', 'derivatives'];

export const boardSymbol = (b: BoardSubject): string => `${b.underlying}:${b.expiry.replaceAll('-', '')}`;

/** `KOSPI200:20261210` → its subject, or undefined for anything else. */
export function parseBoardSymbol(s: string): BoardSubject | undefined {
  const m = /^([A-Z0-9]+):(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? { underlying: m[1]!, expiry: `${m[2]}-${m[3]}-${m[4]}` as KstDate } : undefined;
}

/** Expected board minutes of `date` (before `upTo` when given), ascending. */
export function expectedBoardMinutes(calendar: TradingCalendar, date: KstDate, expiry: KstDate, upTo?: KstTime): KstTime[] {
  const out: KstTime[] = [];
  for (const p of BOARD_SESSIONS) {
    const opts = p === 'derivatives' && expiry === date ? { expiring: true } : {};
    for (const m of calendar.candleMinutes(p, date, opts)) if (upTo === undefined || m < upTo) out.push(m);
  }
  return out.sort((a, b) => a - b);
}

/** The boards with any row stored in the sessions of `date` (the night session starts the evening before). */
export async function storedBoards(pool: pg.Pool, date: KstDate): Promise<BoardSubject[]> {
  const r = await pool.query<{ s: string }>(
    'SELECT DISTINCT underlying_symbol AS s FROM option_chain_raw WHERE "timestamp" >= $1 AND "timestamp" < $2 ORDER BY 1',
    [formatKst(startOfDate(addDays(date, -1))), formatKst(startOfDate(addDays(date, 1)))],
  );
  return r.rows.map((x) => parseBoardSymbol(x.s)).filter((b): b is BoardSubject => b !== undefined && b.expiry >= date);
}

/** Board minutes of `date` stored vs expected, per board; `write` records them in `data_quality`. */
export async function verifyBoards(
  pool: pg.Pool,
  o: { date: KstDate; calendar: TradingCalendar; boards: readonly BoardSubject[]; upTo?: KstTime; write?: boolean },
): Promise<BoardCompleteness[]> {
  if (!o.calendar.isTradingDay(o.date)) return [];
  const out: BoardCompleteness[] = [];
  for (const b of o.boards) {
    if (b.expiry < o.date) continue;
    const expected = expectedBoardMinutes(o.calendar, o.date, b.expiry, o.upTo);
    const board = boardSymbol(b);
    const have = expected.length ? await storedBoardMinutes(pool, board, expected[0]!, (expected.at(-1)! + 60_000) as KstTime) : new Set<number>();
    const missingMinutes = expected.filter((m) => !have.has(m));
    out.push({ board, tradingDate: o.date, expected: expected.length, actual: expected.length - missingMinutes.length, missingMinutes });
  }
  if (o.write) await writeDataQuality(pool, out.filter((b) => b.expected > 0).map((b) => ({ instrument: b.board, tradingDate: b.tradingDate, expected: b.expected, actual: b.actual, missingMinutes: b.missingMinutes })));
  return out;
}

/** Minutes in [from, to) at which `board` has any stored row. */
export async function storedBoardMinutes(pool: pg.Pool, board: string, from: KstTime, to: KstTime): Promise<Set<number>> {
  const r = await pool.query<{ timestamp: KstTime }>(
    'SELECT DISTINCT "timestamp" FROM option_chain_raw WHERE underlying_symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3',
    [board, formatKst(from), formatKst(to)],
  );
  return new Set(r.rows.map((x) => x.timestamp));
}
