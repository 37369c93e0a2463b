/** When krtrade's job schedulers fire: the KRX calendar's candle minutes on the pipeline clock, mapped to BullMQ's real milliseconds. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AcceleratedClock, RealClock } from '../../src/time/clock.js';
import { formatKst, instant, parseKst, toInstant, toKst, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { FireTimes } from '../../src/pipeline/fire-times.js';
import { MinutePatternError, formatMinutePattern, parseMinutePattern } from '../../src/pipeline/minute-pattern.js';

const calendar = defaultCalendar();
const real = new FireTimes(new RealClock(), calendar);
const at = (kst: string) => toInstant(parseKst(kst));
/** The next firing after KST wall-clock `kst` on the real clock, as KST wall-clock strings. */
function nextAfter(pattern: string, kst: string): { minute: string; fires: string } | undefined {
  const n = real.next(real.pattern(pattern), at(kst));
  return n && { minute: formatKst(n.minute), fires: formatKst(toKst(instant(n.realMs))) };
}

const STOCKS = 'krx-minutes sessions=stocks buffer=2000ms';
const FUTURES = 'krx-minutes sessions=derivatives,night buffer=2000ms';

describe('krx-minutes patterns', () => {
  it('round-trip and name what is wrong', () => {
    const p = { products: ['derivatives', 'night'] as const, expiry: '2026-12-10', bufferMs: 2000 };
    const text = formatMinutePattern({ ...p, products: [...p.products], expiry: p.expiry as never });
    expect(text).toBe('krx-minutes sessions=derivatives,night until=2026-12-10 buffer=2000ms');
    expect(parseMinutePattern(text)).toEqual({ ...p, products: [...p.products] });
    expect(() => parseMinutePattern('2 * * * * *')).toThrow(/must start with "krx-minutes"/);
    expect(() => parseMinutePattern('krx-minutes sessions=stocks')).toThrow(/buffer must be milliseconds/);
    expect(() => parseMinutePattern('krx-minutes sessions=stock buffer=0ms')).toThrow(/not stock/);
    expect(() => parseMinutePattern('krx-minutes sessions=stocks buffer=5ms every=2')).toThrow(/unknown part "every=2"/);
    expect(() => parseMinutePattern('krx-minutes sessions=night until=12/10 buffer=5ms')).toThrow(MinutePatternError);
  });

  it('BullMQ gets no next firing for a pattern that is not krtrade\'s (bull-board refuses such an edit)', () => {
    expect(() => real.repeatStrategy(Date.now(), { pattern: '*/1 * * * *' })).toThrow(MinutePatternError);
  });
});

describe('next firing on the KRX calendar', () => {
  it('fires each candle minute buffer after it closes; a firing instant itself belongs to the minute before', () => {
    expect(nextAfter(STOCKS, '2026-11-24 09:05:03')).toEqual({ minute: '2026-11-24 09:05:00', fires: '2026-11-24 09:06:02' });
    expect(nextAfter(STOCKS, '2026-11-24 09:06:02')).toEqual({ minute: '2026-11-24 09:06:00', fires: '2026-11-24 09:07:02' });
    // Before the open: the first candle of the day.
    expect(nextAfter(STOCKS, '2026-11-24 07:00:00')).toEqual({ minute: '2026-11-24 09:00:00', fires: '2026-11-24 09:01:02' });
  });

  it('stocks: after the 15:30 closing print the next firing is the next trading day\'s 09:00; Friday → Monday', () => {
    expect(nextAfter(STOCKS, '2026-11-24 15:21:00')).toEqual({ minute: '2026-11-24 15:30:00', fires: '2026-11-24 15:31:02' });
    expect(nextAfter(STOCKS, '2026-11-24 15:31:02')).toEqual({ minute: '2026-11-25 09:00:00', fires: '2026-11-25 09:01:02' });
    expect(nextAfter(STOCKS, '2026-11-27 16:00:00')).toEqual({ minute: '2026-11-30 09:00:00', fires: '2026-11-30 09:01:02' });
  });

  it('futures: the day close, the night session across midnight, its 06:00 closing candle, then 08:45', () => {
    expect(nextAfter(FUTURES, '2026-11-24 15:46:02')).toEqual({ minute: '2026-11-24 18:00:00', fires: '2026-11-24 18:01:02' });
    expect(nextAfter(FUTURES, '2026-11-24 23:59:30')).toEqual({ minute: '2026-11-24 23:59:00', fires: '2026-11-25 00:00:02' });
    expect(nextAfter(FUTURES, '2026-11-25 05:50:02')).toEqual({ minute: '2026-11-25 06:00:00', fires: '2026-11-25 06:01:02' });
    expect(nextAfter(FUTURES, '2026-11-25 06:01:02')).toEqual({ minute: '2026-11-25 08:45:00', fires: '2026-11-25 08:46:02' });
    // Friday's night session (trading date Monday) ends Saturday 06:00; then Monday 08:45.
    expect(nextAfter(FUTURES, '2026-11-28 06:01:02')).toEqual({ minute: '2026-11-30 08:45:00', fires: '2026-11-30 08:46:02' });
  });

  it('an expiring contract stops at its 15:20 closing candle: no night session, no later firing', () => {
    const expiring = 'krx-minutes sessions=derivatives,night until=2026-12-10 buffer=2000ms';
    expect(nextAfter(expiring, '2026-12-10 15:10:02')).toEqual({ minute: '2026-12-10 15:20:00', fires: '2026-12-10 15:21:02' });
    expect(nextAfter(expiring, '2026-12-10 15:21:02')).toBeUndefined();
    expect(real.repeatStrategy(at('2026-12-10 15:21:02'), { pattern: expiring })).toBeUndefined();
  });

  it('a firing maps back to its own minute where float rounding put the clock a hair before its fire time', () => {
    // Found by the property below: ceil(realAt(t)) read back through at() came out just under t.
    for (const { minutes, speed, buffer } of [
      { minutes: 5582, speed: 693.1191631052761, buffer: 2804 },
      { minutes: 7639, speed: 1517.5926644939216, buffer: 9097 },
      { minutes: 2428, speed: 490.5801171703204, buffer: 58456 },
    ]) {
      const clock = new AcceleratedClock(at('2026-11-23 00:00'), speed, 1_800_000_000_000);
      const ft = new FireTimes(clock, calendar);
      const p = ft.pattern(`krx-minutes sessions=stocks,derivatives,night buffer=${buffer}ms`);
      const n = ft.next(p, clock.realAt(toInstant((parseKst('2026-11-23 00:00') + minutes * 60_000) as KstTime)))!;
      expect(ft.minuteOf(p, n.realMs)).toBe(n.minute);
    }
  });

  it('on an accelerated clock a firing maps back to its own minute (what the fetch job uses)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 14 * 24 * 60 }), fc.double({ min: 0.5, max: 2000, noNaN: true }), fc.integer({ min: 0, max: 59_999 }), (minutes, speed, buffer) => {
        const clock = new AcceleratedClock(at('2026-11-23 00:00'), speed, 1_800_000_000_000);
        const ft = new FireTimes(clock, calendar);
        const p = ft.pattern(`krx-minutes sessions=stocks,derivatives,night buffer=${buffer}ms`);
        const after = clock.realAt(toInstant((parseKst('2026-11-23 00:00') + minutes * 60_000) as KstTime));
        const n = ft.next(p, after)!;
        expect(n.realMs).toBeGreaterThan(after);
        expect(Number.isInteger(n.realMs)).toBe(true);
        expect(ft.minuteOf(p, n.realMs)).toBe(n.minute);
        // The firing is never early: the minute has closed + buffer on the clock.
        expect(toKst(clock.at(n.realMs))).toBeGreaterThanOrEqual(n.minute + 60_000 + buffer);
        // And BullMQ's next from that firing is the following candle minute.
        expect(ft.next(p, n.realMs)!.minute).toBeGreaterThan(n.minute);
      }),
      { numRuns: 300 },
    );
  });
});
