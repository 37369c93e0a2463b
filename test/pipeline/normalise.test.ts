/** The aggregate stage's normalisation: only completed bars of the requested minutes, one per minute, sane OHLC. */
import { describe, expect, it } from 'vitest';
import { type KstTime, addMinutes, kstTime } from '../../src/time/kst.js';
import { normaliseBars } from '../../jobs/handlers/candles.js';
import { normaliseBoard, snapshotMinute } from '../../jobs/handlers/board.js';
import { MinuteIndex } from '../../src/pipeline/schedule.js';
import { parseMinutePattern } from '../../src/pipeline/minute-pattern.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { BadDataError, classifyError } from '../../jobs/errors.js';
import type { BoardPayload, CandlePayload } from '../../jobs/payloads.js';

const t0 = kstTime(2026, 11, 24, 9, 0);
const bar = (m: number, over: Partial<CandlePayload> = {}): CandlePayload => ({
  code: 'A01612', time: addMinutes(t0, m), open: 100, high: 101, low: 99, close: 100.5, volume: 10, ...over,
});

describe('normaliseBars', () => {
  it('never keeps the forming bar, drops bars outside [from, to), keeps one bar per minute, sorted', () => {
    const from = t0;
    const to = addMinutes(t0, 5);
    // Now = 09:03:30: the 09:03 bar is still forming.
    const now = (addMinutes(t0, 3) + 30_000) as KstTime;
    const out = normaliseBars([bar(2), bar(-1), bar(0), bar(3), bar(1, { close: 100.7 }), bar(1, { close: 100.9 }), bar(5)], 'A01612', from, to, now);
    expect(out.map((b) => b.time)).toEqual([t0, addMinutes(t0, 1), addMinutes(t0, 2)]);
    // The later duplicate of a minute wins (KIS pages overlap at their edges).
    expect(out[1]!.close).toBe(100.9);
    // Exactly at the close of 09:03 the bar is complete.
    expect(normaliseBars([bar(3)], 'A01612', from, to, addMinutes(t0, 4)).map((b) => b.time)).toEqual([addMinutes(t0, 3)]);
  });

  it("skips a minute KIS sends without trades as all-zero prices (missing, not a candle at 0)", () => {
    const now = addMinutes(t0, 10);
    const empty = bar(1, { open: 0, high: 0, low: 0, close: 0, volume: 0 });
    expect(normaliseBars([bar(0), empty, bar(2)], 'A01612', t0, now, now).map((b) => b.time)).toEqual([t0, addMinutes(t0, 2)]);
  });

  it('rejects impossible bars and foreign codes as bad data (no retries), naming the instrument and minute', () => {
    const now = addMinutes(t0, 10);
    const bad = () => normaliseBars([bar(1, { high: 98 })], 'A01612', t0, now, now);
    expect(bad).toThrow(BadDataError);
    expect(bad).toThrow(/A01612 2026-11-24T09:01.*inconsistent OHLC/);
    expect(() => normaliseBars([bar(1, { low: 0, open: 0.5, close: 0.5 })], 'A01612', t0, now, now)).toThrow(BadDataError);
    expect(() => normaliseBars([bar(1, { code: 'A05612' })], 'A01612', t0, now, now)).toThrow(/A05612 in a A01612 batch/);
    let caught: unknown;
    try {
      bad();
    } catch (e) {
      caught = e;
    }
    expect(classifyError(caught).kind).toBe('unrecoverable');
  });
});

describe('normaliseBoard', () => {
  const quote = (code: string, right: 'call' | 'put', strike: number) => ({
    code, right, strike, price: 1, bid: 0.9, ask: 1.1, volume: 1, openInterest: 1, iv: 0.2, delta: 0.5, gamma: 0.01, theta: -0.1, vega: 0.2,
  });
  const board = (quotes: BoardPayload['quotes']): BoardPayload => ({ underlying: 'KOSPI200', series: 'monthly', expiry: '2026-12-10' as BoardPayload['expiry'], minute: t0, quotes });

  it('orders calls then puts by strike, collapses a repeated quote, and refuses two codes for one strike', () => {
    const out = normaliseBoard(board([quote('B01612420', 'put', 420), quote('B01612425', 'call', 425), quote('B01612420', 'call', 420), quote('B01612420', 'call', 420)]));
    expect(out.quotes.map((q) => `${q.right}${q.strike}`)).toEqual(['call420', 'call425', 'put420']);
    expect(() => normaliseBoard(board([quote('B01612420', 'call', 420), quote('B01612999', 'call', 420)]))).toThrow(/strike 420 call twice/);
  });
});

describe('snapshotMinute', () => {
  const index = new MinuteIndex(defaultCalendar());
  const live = { minute: kstTime(2026, 11, 24, 9, 0), pattern: parseMinutePattern('krx-minutes sessions=derivatives,night until=2026-12-10 buffer=2000ms') };
  const at = (h: number, m: number, s = 0) => kstTime(2026, 11, 24, h, m, s);

  it('a board taken within the jitter stands for its minute; much later, for the newest closed minute of its sessions', () => {
    expect(snapshotMinute(live, at(9, 1, 3), 1, index)).toBe(live.minute);
    // Real speed: up to 2 minutes late is jitter.
    expect(snapshotMinute(live, at(9, 3, 30), 1, index)).toBe(live.minute);
    expect(snapshotMinute(live, at(9, 4, 30), 1, index)).toBe(at(9, 3));
    // After the day close (15:45 closing candle), the newest closed minute of the sessions is 15:45.
    expect(snapshotMinute({ ...live, minute: at(15, 30) }, at(15, 50), 1, index)).toBe(at(15, 45));
    // 90×: half a minute of real time is 45 simulated minutes of tolerated stall.
    expect(snapshotMinute(live, at(9, 40), 90, index)).toBe(live.minute);
    expect(snapshotMinute(live, at(9, 50), 90, index)).toBe(at(9, 49));
    // A board job added with an explicit minute (catch-up, by hand) keeps it.
    expect(snapshotMinute({ minute: live.minute }, at(11, 0), 1, index)).toBe(live.minute);
  });
});
