import { describe, expect, it } from 'vitest';
import { dateKisTime, FrameDater, hhmmssSeconds, type SessionKind } from '../../src/kis/ws/dating.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { formatKst, parseKst, toInstant } from '../../src/time/kst.js';

const cal = defaultCalendar();
/** Dates `hhmmss` as received at the KST wall-clock time `now`. */
function at(now: string, hhmmss: string, session: SessionKind): { time: string; tradingDate: string } {
  const d = dateKisTime(hhmmss, session, parseKst(now), cal);
  if (typeof d === 'string') throw new Error(d);
  return { time: formatKst(d.time), tradingDate: d.tradingDate };
}

describe('dating HHMMSS frames', () => {
  it('day session: today', () => {
    expect(at('2026-11-24 09:00:01', '090000', 'day')).toEqual({ time: '2026-11-24 09:00:00', tradingDate: '2026-11-24' });
    expect(at('2026-11-24 15:45:03', '154500', 'day')).toEqual({ time: '2026-11-24 15:45:00', tradingDate: '2026-11-24' });
  });

  it('night evening (Tue 19:00) → trading date Wednesday', () => {
    expect(at('2026-11-24 19:00:02', '190000', 'night')).toEqual({ time: '2026-11-24 19:00:00', tradingDate: '2026-11-25' });
  });

  it('after midnight: both 01xxxx and 25xxxx mean the next calendar day; trading date is still the evening’s next trading day', () => {
    const want = { time: '2026-11-25 01:30:15', tradingDate: '2026-11-25' };
    expect(at('2026-11-25 01:30:16', '013015', 'night')).toEqual(want);
    expect(at('2026-11-25 01:30:16', '253015', 'night')).toEqual(want);
    // A 25xxxx reading that arrives a little before midnight (clock skew) still lands after midnight.
    expect(at('2026-11-24 23:59:58', '240001', 'night')).toEqual({ time: '2026-11-25 00:00:01', tradingDate: '2026-11-25' });
  });

  it('midnight crossing: 23:59:59 read just after midnight belongs to the previous day', () => {
    expect(at('2026-11-25 00:00:02', '235959', 'night')).toEqual({ time: '2026-11-24 23:59:59', tradingDate: '2026-11-25' });
  });

  it('Friday night → Monday, both before and after midnight', () => {
    // 2026-11-27 is a Friday.
    expect(at('2026-11-27 21:00:00', '210000', 'night')).toEqual({ time: '2026-11-27 21:00:00', tradingDate: '2026-11-30' });
    expect(at('2026-11-28 05:59:59', '055959', 'night')).toEqual({ time: '2026-11-28 05:59:59', tradingDate: '2026-11-30' });
    expect(at('2026-11-28 05:59:59', '295959', 'night')).toEqual({ time: '2026-11-28 05:59:59', tradingDate: '2026-11-30' });
  });

  it('night before a holiday → the next trading day after it (calendar)', () => {
    // 2026-10-09 (Fri) is Hangul Day: Thursday night belongs to Monday 2026-10-12.
    expect(cal.isTradingDay('2026-10-09' as never)).toBe(false);
    expect(at('2026-10-08 22:00:00', '220000', 'night').tradingDate).toBe('2026-10-12');
    expect(at('2026-10-09 02:00:00', '020000', 'night').tradingDate).toBe('2026-10-12');
  });

  it('malformed times and dates outside the calendar are reported, not thrown', () => {
    expect(dateKisTime('2460', 'day', parseKst('2026-11-24 10:00'), cal)).toMatch(/not HHMMSS/);
    expect(dateKisTime('126000', 'day', parseKst('2026-11-24 10:00'), cal)).toMatch(/not HHMMSS/);
    expect(dateKisTime('480000', 'night', parseKst('2026-11-24 10:00'), cal)).toMatch(/not HHMMSS/);
    expect(dateKisTime('190000', 'night', parseKst('2031-01-06 19:00'), cal)).toMatch(/no trading date/);
    expect(hhmmssSeconds('25000a')).toBe(-1);
    expect(hhmmssSeconds('253015')).toBe(25 * 3600 + 30 * 60 + 15);
  });

  it('FrameDater reads its clock for "now" (accelerated simulated time)', () => {
    const clock = new AcceleratedClock(toInstant(parseKst('2026-11-27 23:59:59')), 1e-9);
    const d = new FrameDater(clock, cal);
    d.begin();
    const r = d.date('235958', 'night');
    expect(typeof r === 'string' ? r : [formatKst(r.time), r.tradingDate]).toEqual(['2026-11-27 23:59:58', '2026-11-30']);
    const day = d.date('235958', 'day');
    expect(typeof day === 'string' ? day : day.tradingDate).toBe('2026-11-27');
  });
});
