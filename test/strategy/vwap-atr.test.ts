import { describe, expect, it } from 'vitest';
import { createVwapAtrStrategy, vwapAtrSteps } from '../../src/strategy/vwap-atr.js';
import { buildInput } from '../../src/strategy/inputs.js';
import type { Candle } from '../../src/db/types.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { addMinutes, kstTime, parseKstDate, type KstTime } from '../../src/time/kst.js';

const bar = (time: KstTime, high: number, low: number, close: number, volume: number): Candle => ({
  symbol: 'A01612',
  time,
  open: close,
  high,
  low,
  close,
  volume,
});

/**
 * Hand-worked example, ATR period 2, k = 0.5, session 09:00–09:06 (see the comments for the arithmetic).
 * Typical = (H+L+C)/3; VWAP cumulative from 09:00; TR uses the previous close, even before the session.
 */
const t = (m: number): KstTime => kstTime(2026, 11, 24, 9, m);
const candles = [
  bar(addMinutes(t(0), -2), 101, 99, 100, 10), // warm-up, before the session
  bar(addMinutes(t(0), -1), 101, 99, 100, 10), // warm-up
  bar(t(0), 101, 99, 100, 10), //    typ 100,      VWAP 100;      TR 2,2   → ATR 2;    bands 99 / 101
  bar(t(1), 100.5, 99.5, 100, 10), // typ 100,    VWAP 100;      TR 2,1   → ATR 1.5;  bands 99.25 / 100.75
  bar(t(2), 100, 96, 96.5, 20), //   typ 97.5,     VWAP 3950/40 = 98.75; TR 1,4 → ATR 2.5; lower 97.5 > 96.5 → enter_long
  bar(t(3), 98, 96.5, 97.5, 10), //  typ 97.3333,  VWAP 4923.33/50 = 98.46667; TR 4,1.5 → ATR 2.75; close < VWAP: hold
  bar(t(4), 99.5, 97.5, 99, 10), //  typ 98.6667,  VWAP 5910/60 = 98.5; TR 1.5,2 → ATR 1.75; close ≥ VWAP → exit
  bar(t(5), 101.5, 99, 101.4, 10), // typ 100.6333, VWAP 6916.33/70 = 98.80476; TR 2,2.5 → ATR 2.25; upper 99.92976 < 101.4 → enter_short
  bar(t(6), 101.5, 101, 101.2, 5), // closing candle: short → exit (session_close)
  bar(t(7), 110, 90, 100, 100), //  after the close: ignored
];
const session = { open: t(0), close: t(6) };

describe('vwapAtrSteps (hand-computed)', () => {
  const steps = vwapAtrSteps(candles, session, { k: 0.5, atrPeriod: 2 });

  it('computes session VWAP and ATR(2) minute by minute', () => {
    expect(steps.map((s) => s.time)).toEqual([0, 1, 2, 3, 4, 5, 6].map(t));
    const vwaps = [100, 100, 98.75, 4923.333333333333 / 50, 98.5, 6916.333333333333 / 70, 7422.5 / 75];
    steps.forEach((s, i) => expect(s.vwap).toBeCloseTo(vwaps[i]!, 10));
    expect(steps.map((s) => s.atr)).toEqual([2, 1.5, 2.5, 2.75, 1.75, 2.25, 1.5]);
    expect(steps[2]!.lower).toBeCloseTo(97.5, 12);
    expect(steps[5]!.upper).toBeCloseTo(6916.333333333333 / 70 + 1.125, 10);
  });

  it('enters on band crosses, exits at VWAP and at the session close', () => {
    expect(steps.map((s) => s.event?.kind ?? '-')).toEqual([
      '-',
      '-',
      'enter_long',
      '-',
      'exit',
      'enter_short',
      'exit',
    ]);
    expect(steps.map((s) => s.position)).toEqual(['flat', 'flat', 'long', 'long', 'flat', 'short', 'flat']);
    expect(steps[4]!.event!.reason).toBe('vwap');
    expect(steps[6]!.event!.reason).toBe('session_close');
  });

  it('needs a previous in-band close to call it a cross, and waits for the ATR warm-up', () => {
    // Without warm-up candles the first session candle has no ATR; the big drop at 09:02 still crosses.
    const cold = vwapAtrSteps(candles.slice(2), session, { k: 0.5, atrPeriod: 2 });
    expect(cold.slice(0, 2).map((s) => s.atr)).toEqual([undefined, undefined]);
    expect(cold[2]!.atr).toBe(2.5);
    // The 09:02 step has no previous bands (09:01 had no ATR): no cross can be called.
    expect(cold[2]!.event).toBeUndefined();
  });
});

describe('vwap-atr strategy onBatch', () => {
  // The same shape placed in a real day session (2026-11-24, 08:45 open), warm-up from the night session.
  const cal = defaultCalendar();
  const tradingDate = parseKstDate('2026-11-24');
  const open = kstTime(2026, 11, 24, 8, 45);
  const shifted = candles
    .slice(0, 9)
    .map((c, i) => ({ ...c, time: i < 2 ? kstTime(2026, 11, 24, 5, 59 + i) : addMinutes(open, i - 2) }));
  const strategy = { ...createVwapAtrStrategy({ symbol: 'A01612', k: 0.5, atrPeriod: 2 }) };
  const inputAt = (time: KstTime, upTo: number): ReturnType<typeof buildInput> =>
    buildInput(strategy, time, { tradingDate, calendar: cal }, ['A01612'], {
      windows: new Map([['A01612', shifted.slice(0, upTo)]]),
      matrices: new Map(),
    });

  it('emits monitor every minute and the trade signal of that minute, with levels in the payload', async () => {
    const at = addMinutes(open, 2);
    const out = await strategy.onBatch(inputAt(at, 5));
    expect(out.map((s) => s.kind)).toEqual(['monitor', 'enter_long']);
    expect(out[0]!.value).toBeCloseTo((96.5 - 98.75) / 2.5, 12);
    expect(out[0]!.payload).toMatchObject({
      vwap: 98.75,
      atr: 2.5,
      lower: 97.5,
      upper: 100,
      close: 96.5,
      position: 'long',
    });
    expect(out[1]).toMatchObject({
      time: at,
      symbol: 'A01612',
      value: 96.5,
      payload: { reason: 'lower_band_cross' },
    });
    const next = await strategy.onBatch(inputAt(addMinutes(open, 3), 6));
    expect(next.map((s) => s.kind)).toEqual(['monitor']);
    expect(next[0]!.payload!.position).toBe('long');
  });

  it("emits nothing for a minute without the instrument's candle", async () => {
    const input = inputAt(addMinutes(open, 3), 5); // window ends at 08:47, batch is 08:48
    expect(input.missing).toEqual(['A01612']);
    expect(await strategy.onBatch(input)).toEqual([]);
  });

  it('trades the KOSPI200 front future by default, with the 15:20 session on its expiry day', () => {
    const s = createVwapAtrStrategy();
    expect(s.instruments({ tradingDate, calendar: cal })).toEqual(['A01612']);
    expect(s.sessions!({ tradingDate: parseKstDate('2026-12-10'), calendar: cal })).toContainEqual({
      product: 'derivatives',
      expiring: true,
    });
    expect(s.instruments({ tradingDate: parseKstDate('2026-12-11'), calendar: cal })).toEqual(['A01703']);
  });
});
