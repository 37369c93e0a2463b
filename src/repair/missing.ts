/**
 * Missing = calendar-expected minus stored. Every recovery (a scheduler created after a Redis wipe, one
 * re-armed, the repair loop) asks this one question with a window, so what it enqueues is exactly what
 * PostgreSQL lacks, whatever Redis remembers or forgot.
 */
import { type KstDate, type KstTime, addMinutes } from '../time/kst.js';
import type { SessionProduct } from '../market/types.js';
import type { MinuteIndex } from '../pipeline/schedule.js';
import type { StoredMinutes } from './stored.js';

export interface CandleSubject {
  code: string;
  products: readonly SessionProduct[];
  expiry?: KstDate;
}

/** One minute before the first candle minute of `date`'s sessions (the night session opens the evening before). */
export function tradingDateBaseline(index: MinuteIndex, products: readonly SessionProduct[], date: KstDate, expiry?: KstDate): KstTime | undefined {
  const firsts = products.map((p) => index.minutesOn(p, date, expiry)[0]).filter((m) => m !== undefined);
  return firsts.length ? addMinutes(Math.min(...firsts) as KstTime, -1) : undefined;
}

/** Expected candle minutes of `s` with `after < m <= upTo` that PostgreSQL does not have, ascending. */
export async function missingCandleMinutes(index: MinuteIndex, stored: StoredMinutes, s: CandleSubject, after: KstTime, upTo: KstTime): Promise<KstTime[]> {
  const expected = index.between(s.products, after, upTo, s.expiry);
  if (!expected.length) return [];
  const have = await stored.candleMinutes(s.code, expected[0]!, addMinutes(expected.at(-1)!, 1));
  return expected.filter((m) => !have.has(m));
}

/** Sorted minutes → runs of consecutive minutes as [from, to) ranges, so a backfill refetches nothing stored. */
export function minuteRanges(minutes: readonly KstTime[]): { from: KstTime; to: KstTime; minutes: number }[] {
  const out: { from: KstTime; to: KstTime; minutes: number }[] = [];
  for (const m of minutes) {
    const last = out.at(-1);
    if (last && last.to === m) {
      last.to = addMinutes(m, 1);
      last.minutes++;
    } else out.push({ from: m, to: addMinutes(m, 1), minutes: 1 });
  }
  return out;
}
