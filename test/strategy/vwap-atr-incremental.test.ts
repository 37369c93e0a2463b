import { describe, expect, it } from 'vitest';
import { vwapAtrSteps } from '../../src/strategy/vwap-atr.js';
import { IncrementalVwapAtr } from '../../src/strategy/vwap-atr-incremental.js';
import { EVENT_KIND, EVENT_REASON, POSITION_NAME } from '../../src/strategy/vwap-atr-state.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { addDays, parseKstDate, type KstDate } from '../../src/time/kst.js';
import type { Candle } from '../../src/db/types.js';
import { syntheticFutureCandles } from './synthetic.js';

const cal = defaultCalendar();
const dates: KstDate[] = [];
for (let d = parseKstDate('2026-03-02'); dates.length < 3; d = addDays(d, 1))
  if (cal.isTradingDay(d)) dates.push(d);
const candles = syntheticFutureCandles('A01612', dates, cal, 11);

/** Minute by minute the way the engine asks: the last `lookback` candles, `fresh` ones copied (as live reads). */
function compare(lookback: number, atrPeriod: number, fresh: (i: number) => boolean) {
  const incremental = new IncrementalVwapAtr(2, atrPeriod);
  let events = 0;
  let minutes = 0;
  for (let i = 0; i < candles.length; i++) {
    if (i % 97 === 50) continue; // a minute the strategy is not asked (no batch)
    let window: Candle[] = candles.slice(Math.max(0, i + 1 - lookback), i + 1);
    if (fresh(i)) window = window.map((c) => ({ ...c }));
    const t = candles[i]!.time;
    const session = cal.sessionForCandle('derivatives', t) ?? cal.sessionForCandle('night', t);
    if (!session) continue;
    const ref = vwapAtrSteps(window, session, { k: 2, atrPeriod }).at(-1);
    const got = incremental.lastStep(window, session);
    minutes++;
    if (!ref || ref.time !== t) {
      expect(got).toBeUndefined();
      continue;
    }
    expect(got).toBeDefined();
    const fast = {
      time: got!.time,
      close: got!.close,
      vwap: got!.vwap,
      position: POSITION_NAME[got!.position],
      ...(Number.isNaN(got!.atr) ? {} : { atr: got!.atr, upper: got!.upper, lower: got!.lower }),
      ...(got!.event ? { event: { kind: EVENT_KIND[got!.event], reason: EVENT_REASON[got!.event] } } : {}),
    };
    expect(fast).toEqual(ref);
    if (ref.event) events++;
  }
  return { replays: incremental.replays, events, minutes };
}

describe('IncrementalVwapAtr (the per-minute engine path)', () => {
  it('equals vwapAtrSteps(window).at(-1) every minute and pushes one candle when the window slides', () => {
    const r = compare(760, 14, () => false);
    expect(r.events).toBeGreaterThan(5);
    // Replayed only when a session starts (and after a skipped minute), not every minute.
    expect(r.replays).toBeLessThan(r.minutes / 20);
  });

  it('replays windows of fresh candle objects (live reads) and still agrees', () => {
    const r = compare(760, 14, (i) => i % 5 === 0);
    expect(r.replays).toBeGreaterThan(r.minutes / 5);
  });

  it('replays when the session start leaves a short window (VWAP would lose its first candles)', () => {
    const r = compare(40, 5, () => false);
    expect(r.events).toBeGreaterThan(0);
    expect(r.replays).toBeGreaterThan(r.minutes / 2);
  });
});
