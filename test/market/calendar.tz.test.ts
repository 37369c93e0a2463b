// Runs under several process time zones: every session time must be the same KST wall-clock in each.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarRangeError, defaultCalendar } from '../../src/market/calendar/index.js';
import { addDays, addMinutes, formatKst, instant, parseKst, type KstDate } from '../../src/time/kst.js';
import type { Session } from '../../src/market/types.js';

const cal = defaultCalendar();
const D = (s: string): KstDate => s as KstDate;
const fmt = (s: Session | undefined) =>
  s && {
    tradingDate: s.tradingDate,
    open: formatKst(s.open),
    close: formatKst(s.close),
    openAuction: s.openAuction && `${formatKst(s.openAuction.start)}/${formatKst(s.openAuction.end)}`,
    closeAuction: s.closeAuction && `${formatKst(s.closeAuction.start)}/${formatKst(s.closeAuction.end)}`,
  };

describe(`KRX calendar (TZ=${process.env.TZ})`, () => {
  it('normal day: stocks 09:00–15:30, derivatives 08:45–15:45 with their auctions', () => {
    expect(fmt(cal.session('stocks', D('2026-11-24')))).toEqual({
      tradingDate: '2026-11-24',
      open: '2026-11-24 09:00:00',
      close: '2026-11-24 15:30:00',
      openAuction: '2026-11-24 08:30:00/2026-11-24 09:00:00',
      closeAuction: '2026-11-24 15:20:00/2026-11-24 15:30:00',
    });
    expect(fmt(cal.session('derivatives', D('2026-11-24')))).toMatchObject({
      open: '2026-11-24 08:45:00',
      close: '2026-11-24 15:45:00',
      openAuction: '2026-11-24 08:30:00/2026-11-24 08:45:00',
      closeAuction: '2026-11-24 15:35:00/2026-11-24 15:45:00',
    });
  });

  it('derivatives opened at 09:00 before 2023-07-31 and at 08:45 from then on', () => {
    expect(fmt(cal.session('derivatives', D('2023-07-28')))?.open).toBe('2023-07-28 09:00:00');
    expect(fmt(cal.session('derivatives', D('2023-07-28')))?.openAuction).toBe(
      '2023-07-28 08:30:00/2023-07-28 09:00:00',
    );
    expect(fmt(cal.session('derivatives', D('2023-07-31')))?.open).toBe('2023-07-31 08:45:00');
    expect(cal.expectedCandles('derivatives', D('2023-07-28'))).toBe(396);
    expect(cal.expectedCandles('derivatives', D('2023-07-31'))).toBe(411);
  });

  it('2026-01-02, first trading day: stocks 10:00, derivatives 09:45; the Dec 30 night belongs to it', () => {
    expect(fmt(cal.session('stocks', D('2026-01-02')))).toMatchObject({
      open: '2026-01-02 10:00:00',
      close: '2026-01-02 15:30:00',
    });
    expect(fmt(cal.session('derivatives', D('2026-01-02')))).toMatchObject({
      open: '2026-01-02 09:45:00',
      close: '2026-01-02 15:45:00',
      openAuction: '2026-01-02 09:30:00/2026-01-02 09:45:00',
    });
    expect(cal.session('stocks', D('2026-01-02'))?.note).toBe('First trading day');
    expect(cal.expectedCandles('stocks', D('2026-01-02'))).toBe(321);
    expect(cal.expectedCandles('derivatives', D('2026-01-02'))).toBe(351);
    expect(fmt(cal.session('night', D('2026-01-02')))).toMatchObject({
      open: '2025-12-30 18:00:00',
      close: '2025-12-31 06:00:00',
    });
    // Before 2023 derivatives also moved to 10:00.
    expect(fmt(cal.session('derivatives', D('2023-01-02')))?.open).toBe('2023-01-02 10:00:00');
  });

  it.each(['2025-11-13', '2026-11-19'])(
    'CSAT day %s: +1 h, and that evening the night session opens 19:00',
    (d) => {
      const next = cal.nextTradingDay(D(d));
      expect(fmt(cal.session('stocks', D(d)))).toMatchObject({
        open: `${d} 10:00:00`,
        close: `${d} 16:30:00`,
      });
      expect(fmt(cal.session('derivatives', D(d)))).toMatchObject({
        open: `${d} 09:45:00`,
        close: `${d} 16:45:00`,
      });
      expect(cal.expectedCandles('stocks', D(d))).toBe(381);
      const night = cal.session('night', next);
      expect(fmt(night)).toMatchObject({
        open: `${d} 19:00:00`,
        openAuction: `${d} 18:50:00/${d} 19:00:00`,
        close: `${addDays(D(d), 1)} 06:00:00`,
      });
      expect(cal.expectedCandles('night', next)).toBe(651);
      // The night session belonging to the CSAT day itself opened normally the evening before.
      expect(fmt(cal.session('night', D(d)))?.open).toBe(`${addDays(D(d), -1)} 18:00:00`);
    },
  );

  it('expiring series stop at 15:20 (16:20 on a CSAT expiry) with the candle at the close', () => {
    const e = cal.session('derivatives', D('2026-06-11'), { expiring: true });
    expect(fmt(e)).toMatchObject({
      open: '2026-06-11 08:45:00',
      close: '2026-06-11 15:20:00',
      closeAuction: '2026-06-11 15:10:00/2026-06-11 15:20:00',
    });
    const minutes = cal.candleMinutes('derivatives', D('2026-06-11'), { expiring: true }).map(formatKst);
    expect(minutes).toHaveLength(386);
    expect(minutes.slice(-2)).toEqual(['2026-06-11 15:09:00', '2026-06-11 15:20:00']);
    expect(fmt(cal.session('derivatives', D('2025-11-13'), { expiring: true }))?.close).toBe(
      '2025-11-13 16:20:00',
    );
  });

  it.each(['2025-12-31', '2026-06-03', '2026-07-17', '2026-02-16', '2027-07-19'])('%s is closed', (d) => {
    expect(cal.isTradingDay(D(d))).toBe(false);
    expect(cal.sessionsOn(D(d))).toEqual([]);
    expect(cal.expectedCandles('stocks', D(d))).toBe(0);
  });

  it('moves over closures in both directions', () => {
    expect(cal.previousTradingDay(D('2026-01-02'))).toBe('2025-12-30');
    expect(cal.nextTradingDay(D('2025-12-30'))).toBe('2026-01-02');
    expect(cal.nextTradingDay(D('2025-10-02'))).toBe('2025-10-10');
    expect(cal.nextTradingDay(D('2026-07-16'))).toBe('2026-07-20');
    // 2026-09-28 is NOT a Chuseok substitute (a Saturday overlap gives none).
    expect(cal.isTradingDay(D('2026-09-28'))).toBe(true);
  });

  it('night sessions belong to the next trading day; none on holiday evenings or declared eves', () => {
    // Friday night belongs to Monday and ends Saturday 06:00.
    expect(fmt(cal.nightOpeningOn(D('2026-06-05')))).toMatchObject({
      tradingDate: '2026-06-08',
      open: '2026-06-05 18:00:00',
      close: '2026-06-06 06:00:00',
    });
    expect(fmt(cal.session('night', D('2026-06-08')))?.open).toBe('2026-06-05 18:00:00');
    // The evening of 2026-02-13 was cancelled before Seollal: 2026-02-19 has no night session.
    expect(cal.nightOpeningOn(D('2026-02-13'))).toBeUndefined();
    expect(cal.session('night', D('2026-02-19'))).toBeUndefined();
    expect(cal.sessionsOn(D('2026-02-19')).map((s) => s.product)).toEqual(['derivatives', 'stocks']);
    expect(cal.session('night', D('2025-10-10'))).toBeUndefined();
    // The evening before a holiday trades (no closure declared) and belongs to the day after the holiday.
    expect(fmt(cal.nightOpeningOn(D('2026-06-02')))).toMatchObject({
      tradingDate: '2026-06-04',
      open: '2026-06-02 18:00:00',
      close: '2026-06-03 06:00:00',
    });
    expect(cal.tradingDateAt('night', parseKst('2026-06-03 05:59'))).toBe('2026-06-04');
    expect(fmt(cal.session('night', D('2026-06-04')))?.open).toBe('2026-06-02 18:00:00');
    expect(fmt(cal.nightOpeningOn(D('2026-07-16')))).toMatchObject({
      tradingDate: '2026-07-20',
      close: '2026-07-17 06:00:00',
    });
    // Holiday evening: no session opens.
    expect(cal.nightOpeningOn(D('2026-02-17'))).toBeUndefined();
    expect(cal.nightOpeningOn(D('2026-06-03'))).toBeUndefined();
    // The night market started on the evening of 2025-06-09.
    expect(cal.nightOpeningOn(D('2025-06-05'))).toBeUndefined();
    expect(cal.session('night', D('2025-06-09'))).toBeUndefined();
    expect(cal.nightOpeningOn(D('2025-06-09'))?.tradingDate).toBe('2025-06-10');
    expect(cal.sessionsOn(D('2026-06-08')).map((s) => s.product)).toEqual(['night', 'derivatives', 'stocks']);
  });

  it('sessionAt excludes the opening auction and includes the closing auction', () => {
    expect(cal.sessionAt('stocks', parseKst('2026-11-24 08:59:59'))).toBeUndefined();
    expect(cal.sessionAt('stocks', parseKst('2026-11-24 09:00'))?.tradingDate).toBe('2026-11-24');
    expect(cal.isOpen('stocks', parseKst('2026-11-24 15:25'))).toBe(true);
    expect(cal.isOpen('stocks', parseKst('2026-11-24 15:30'))).toBe(false);
    expect(cal.isOpen('derivatives', parseKst('2026-11-24 15:40'))).toBe(true);
    expect(cal.sessionAt('night', parseKst('2026-06-06 02:00'))?.tradingDate).toBe('2026-06-08');
    expect(cal.tradingDateAt('night', parseKst('2026-11-24 23:10'))).toBe('2026-11-25');
    expect(cal.isOpen('night', parseKst('2026-11-24 12:00'))).toBe(false);
    // 00:30Z is 09:30 KST whatever the process zone.
    expect(cal.isOpenAt('stocks', instant(Date.parse('2026-11-24T00:30:00Z')))).toBe(true);
    expect(cal.isOpenAt('stocks', instant(Date.parse('2026-11-24T07:00:00Z')))).toBe(false);
  });

  it('nextSession returns the current session, else the next to open', () => {
    expect(fmt(cal.nextSession('stocks', parseKst('2026-06-05 16:00')))?.open).toBe('2026-06-08 09:00:00');
    expect(fmt(cal.nextSession('stocks', parseKst('2026-06-05 10:00')))?.open).toBe('2026-06-05 09:00:00');
    expect(fmt(cal.nextSession('stocks', parseKst('2025-12-30 20:00')))?.open).toBe('2026-01-02 10:00:00');
    const n = cal.nextSession('night', parseKst('2026-02-13 12:00'));
    expect(fmt(n)).toMatchObject({ tradingDate: '2026-02-20', open: '2026-02-19 18:00:00' });
    expect(fmt(cal.nextSession('night', parseKst('2026-06-06 03:00')))?.open).toBe('2026-06-05 18:00:00');
  });

  it('candle minutes: open … closing-auction start, plus the close', () => {
    const st = cal.candleMinutes('stocks', D('2026-11-24')).map(formatKst);
    expect(st).toHaveLength(381);
    expect(st[0]).toBe('2026-11-24 09:00:00');
    expect(st.slice(-2)).toEqual(['2026-11-24 15:19:00', '2026-11-24 15:30:00']);
    const dv = cal.candleMinutes('derivatives', D('2026-11-24')).map(formatKst);
    expect(dv).toHaveLength(411);
    expect(dv.slice(-2)).toEqual(['2026-11-24 15:34:00', '2026-11-24 15:45:00']);
    const nt = cal.candleMinutes('night', D('2026-11-24')).map(formatKst);
    expect(nt).toHaveLength(711);
    expect([nt[0], ...nt.slice(-2)]).toEqual([
      '2026-11-23 18:00:00',
      '2026-11-24 05:49:00',
      '2026-11-24 06:00:00',
    ]);
    expect(cal.isCandleMinute('stocks', parseKst('2026-11-24 15:30'))).toBe(true);
    expect(cal.isCandleMinute('stocks', parseKst('2026-11-24 15:25'))).toBe(false);
    expect(cal.isCandleMinute('stocks', parseKst('2026-11-24 15:19:30'))).toBe(false);
    expect(cal.isCandleMinute('night', parseKst('2026-11-24 06:00'))).toBe(true);
    expect(cal.sessionForCandle('night', parseKst('2026-11-24 06:00'))?.tradingDate).toBe('2026-11-24');
  });

  it('every listed candle minute is recognised as one, and its neighbours outside are not', () => {
    const products = ['stocks', 'derivatives', 'night'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 2 }), fc.constantFrom(...products), (offset, product) => {
        const d = addDays(D('2025-07-01'), offset);
        const minutes = cal.candleMinutes(product, d);
        if (!cal.isTradingDay(d)) return minutes.length === 0;
        if (minutes.length === 0) return product === 'night';
        const s = cal.session(product, d)!;
        for (const m of minutes) {
          if (cal.sessionForCandle(product, m)?.tradingDate !== d) return false;
        }
        return (
          !cal.isCandleMinute(product, addMinutes(s.open, -1)) &&
          !cal.isCandleMinute(product, addMinutes(s.close, 1)) &&
          minutes.length === cal.expectedCandles(product, d)
        );
      }),
      { numRuns: 150 },
    );
  });

  it('refuses dates outside the shipped data with a clear error', () => {
    expect(() => cal.isTradingDay(D('2028-01-03'))).toThrow(CalendarRangeError);
    expect(() => cal.isTradingDay(D('2019-12-31'))).toThrow(/2019-12-31.*2020-01-01\.\.2027-12-31/);
    expect(cal.covers(D('2027-12-31'))).toBe(true);
    expect(cal.covers(D('2028-01-01'))).toBe(false);
  });
});
