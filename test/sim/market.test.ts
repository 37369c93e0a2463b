/**
 * The synthetic market's trade streams: determinism, bars vs trades, session coverage, ticks and limits,
 * the shape of intraday volume. Uses the real project calendar throughout.
 */
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { frontFuture, tickSize } from '../../src/market/instruments/index.js';
import { createSimMarket } from '../../src/sim/market/index.js';
import type { SimTrade } from '../../src/sim/market/index.js';
import { atMinutes, floorMinute, formatKst, type KstDate, type KstTime } from '../../src/time/kst.js';

const cal = defaultCalendar();
const D = (s: string): KstDate => s as KstDate;
/** From the first session's opening call to just after the last close of trading date d. */
const dayStart = (d: KstDate): KstTime =>
  Math.min(...cal.sessionsOn(d).map((s) => s.openAuction!.start)) as KstTime;
const dayEnd = (d: KstDate): KstTime =>
  (Math.max(...cal.sessionsOn(d).map((s) => s.close)) + 60_000) as KstTime;
const isOnTick = (p: number, tick: number): boolean => Math.abs(p / tick - Math.round(p / tick)) < 1e-6;

/** OHLCV per minute computed straight from trades. */
function ohlcv(
  trades: SimTrade[],
): Map<number, { open: number; high: number; low: number; close: number; volume: number }> {
  const out = new Map<number, { open: number; high: number; low: number; close: number; volume: number }>();
  for (const t of trades) {
    const m = floorMinute(t.time);
    const b = out.get(m);
    if (!b) out.set(m, { open: t.price, high: t.price, low: t.price, close: t.price, volume: t.qty });
    else {
      b.high = Math.max(b.high, t.price);
      b.low = Math.min(b.low, t.price);
      b.close = t.price;
      b.volume += t.qty;
    }
  }
  return out;
}

describe('determinism and random access', () => {
  it('gives identical trades for the same seed regardless of query order and cache state', () => {
    const d = D('2026-03-05');
    const a = createSimMarket({ seed: 42 });
    const b = createSimMarket({ seed: 42 });
    const fut = frontFuture('kospi200', d).code;
    // b asks later dates first, in slices, and other instruments in between.
    const sliced: SimTrade[] = [];
    b.trades('000660', dayStart(D('2026-03-06')), dayEnd(D('2026-03-06')));
    const slices: [number, number][] = [
      [13, 16],
      [9, 11],
      [11, 13],
    ];
    for (const [h0, h1] of slices)
      sliced.push(...b.trades('005930', atMinutes(d, h0 * 60), atMinutes(d, h1 * 60)));
    sliced.sort((x, y) => x.time - y.time || x.cumVolume - y.cumVolume);
    const whole = a.trades('005930', atMinutes(d, 9 * 60), atMinutes(d, 16 * 60));
    expect(sliced).toEqual(whole);
    expect(b.trades(fut, dayStart(d), dayEnd(d))).toEqual(a.trades(fut, dayStart(d), dayEnd(d)));
    const other = createSimMarket({ seed: 43 }).trades('005930', atMinutes(d, 9 * 60), atMinutes(d, 16 * 60));
    expect(other.map((t) => t.price)).not.toEqual(whole.map((t) => t.price));
  });

  it('returns trades in time order within [from, to) and running day totals', () => {
    const m = createSimMarket({ seed: 1 });
    const d = D('2026-03-05');
    const from = atMinutes(d, 10 * 60 + 7);
    const to = atMinutes(d, 10 * 60 + 9);
    const ts = m.trades('035720', from, to);
    expect(ts.length).toBeGreaterThan(0);
    for (let i = 0; i < ts.length; i++) {
      expect(ts[i]!.time).toBeGreaterThanOrEqual(from);
      expect(ts[i]!.time).toBeLessThan(to);
      expect(ts[i]!.time % 1000).toBe(0);
      if (i > 0) {
        expect(ts[i]!.time).toBeGreaterThanOrEqual(ts[i - 1]!.time);
        expect(ts[i]!.cumVolume).toBe(ts[i - 1]!.cumVolume + ts[i]!.qty);
      }
    }
  });
});

describe('minute bars', () => {
  it('equal the OHLCV of the trades in each minute, for a stock, a future and an option', () => {
    const m = createSimMarket({ seed: 5 });
    const d = D('2026-03-05');
    const fut = frontFuture('kospi200', d).code;
    const opt = m.instruments(d).find((i) => i.kind === 'put' && i.series === 'monthly')!;
    for (const code of ['005930', fut, opt.code]) {
      const trades = m.trades(code, dayStart(d), dayEnd(d));
      const bars = m.minuteBars(code, dayStart(d), dayEnd(d));
      const expected = ohlcv(trades);
      const lastCumValue = new Map(trades.map((t) => [floorMinute(t.time), t.cumValue]));
      expect(bars.length, code).toBe(expected.size);
      expect(bars.length, code).toBeGreaterThan(0);
      for (const bar of bars) {
        const e = expected.get(bar.time)!;
        expect(
          { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume },
          `${code} ${formatKst(bar.time)}`,
        ).toEqual(e);
        expect(bar.cumValue).toBe(lastCumValue.get(bar.time));
      }
    }
  });

  it('puts the closing auction print in its own bar at the close', () => {
    const m = createSimMarket({ seed: 5 });
    const d = D('2026-03-05');
    const close = cal.session('stocks', d)!.close;
    const bars = m.minuteBars('000660', atMinutes(d, 15 * 60), atMinutes(d, 16 * 60));
    const last = bars.at(-1)!;
    expect(last.time).toBe(close);
    expect(m.trades('000660', close, (close + 60_000) as KstTime)).toHaveLength(1);
    // Nothing trades during the closing call (15:20–15:30).
    expect(m.trades('000660', cal.session('stocks', d)!.closeAuction!.start, close)).toHaveLength(0);
  });
});

describe('sessions and candle completeness', () => {
  const expectComplete = (
    m: ReturnType<typeof createSimMarket>,
    code: string,
    d: KstDate,
    minutes: KstTime[],
  ): void => {
    const got = m.minuteBars(code, dayStart(d), dayEnd(d)).map((b) => b.time);
    expect(got.map(formatKst), code).toEqual([...minutes].sort((a, b) => a - b).map(formatKst));
  };

  it('has a bar in every candle minute, and only there, on a normal day, a CSAT expiry day and with the night session', () => {
    const m = createSimMarket({ seed: 9, stocks: 4 });
    for (const d of [D('2026-03-05'), D('2025-11-13'), D('2026-01-02')]) {
      for (const s of m.instruments(d).filter((i) => i.kind === 'stock'))
        expectComplete(m, s.code, d, cal.candleMinutes('stocks', d));
      for (const family of ['kospi200', 'mini', 'kosdaq150'] as const) {
        const f = frontFuture(family, d);
        const expiring = f.expiry === d;
        const minutes = [
          ...cal.candleMinutes('night', d),
          ...cal.candleMinutes('derivatives', d, { expiring }),
        ];
        expect(cal.candleMinutes('night', d).length).toBeGreaterThan(600);
        expectComplete(m, f.code, d, minutes);
      }
    }
  });

  it('trades nothing on holidays, weekends or outside sessions', () => {
    const m = createSimMarket({ seed: 9, stocks: 3 });
    const fut = frontFuture('kospi200', D('2026-03-05')).code;
    for (const d of [D('2026-03-02'), D('2026-03-01'), D('2026-03-07')]) {
      expect(cal.isTradingDay(d)).toBe(false);
      expect(m.trades('005930', atMinutes(d, 0), atMinutes(d, 18 * 60))).toHaveLength(0);
    }
    // 2026-02-27 (Fri) evening's night session belongs to 03-03; nothing trades 06:00 Sat – 18:00 Mon 03-02.
    expect(m.trades(fut, atMinutes(D('2026-02-28'), 6 * 60 + 1), atMinutes(D('2026-03-03'), 0))).toHaveLength(
      0,
    );
    expect(
      m.trades(fut, atMinutes(D('2026-02-28'), 5 * 60 + 59), atMinutes(D('2026-02-28'), 6 * 60 + 1)),
    ).toHaveLength(1);
    const d = D('2026-03-05');
    const windows = [cal.session('night', d)!, cal.session('derivatives', d)!];
    const trades = m.trades(fut, dayStart(d), dayEnd(d));
    expect(trades.length).toBeGreaterThan(1000);
    const outside = trades.filter(
      (t) => !windows.some((s) => (t.time >= s.open && t.time < s.closeAuction!.start) || t.time === s.close),
    );
    expect(outside.map((t) => formatKst(t.time))).toEqual([]);
  });
});

describe('prices', () => {
  it('respects tick sizes and daily limits, and each day starts from the previous close', () => {
    const m = createSimMarket({ seed: 11 });
    let d = D('2026-02-03');
    for (let i = 0; i < 2; i++, d = cal.nextTradingDay(d)) {
      const all = m.instruments(d);
      const instruments = [
        ...all.filter((x) => x.kind === 'stock'),
        ...all.filter((x) => x.kind === 'future').slice(0, 14),
      ];
      for (const ins of instruments) {
        const trades = m.trades(ins.code, dayStart(d), dayEnd(d));
        const lastClose = Math.max(...cal.sessionsOn(d).map((s) => s.close)) as KstTime;
        const snap = m.snapshot(ins.code, lastClose);
        const offTick = trades.filter((t) => !isOnTick(t.price, tickSize(ins, t.price)));
        expect(offTick, ins.code).toEqual([]);
        const outside = trades.filter((t) => t.price > snap.upperLimit || t.price < snap.lowerLimit);
        expect(outside, ins.code).toEqual([]);
        if (ins.kind === 'stock') {
          expect(snap.upperLimit).toBeLessThanOrEqual(snap.basePrice * 1.3);
          expect(snap.upperLimit).toBeGreaterThan(snap.basePrice * 1.29);
          const prev = cal.previousTradingDay(d);
          const prevLast = m.trades(ins.code, dayStart(prev), dayEnd(prev)).at(-1)!;
          expect(snap.prevClose).toBe(prevLast.price);
        }
        expect(snap.last).toBe(trades.at(-1)!.price);
        expect(snap.high).toBe(Math.max(...trades.map((t) => t.price)));
        expect(snap.low).toBe(Math.min(...trades.map((t) => t.price)));
        expect(snap.open).toBe(trades[0]!.price);
        expect(snap.cumVolume).toBe(trades.reduce((s, t) => s + t.qty, 0));
      }
    }
  });

  it('uses realistic stock price levels and a spread of one to three ticks in the book', () => {
    const m = createSimMarket({ seed: 11 });
    const d = D('2026-03-05');
    const at = atMinutes(d, 11 * 60);
    for (const s of m.instruments(d).filter((x) => x.kind === 'stock')) {
      const q = m.quote(s.code, at);
      expect(q.asks).toHaveLength(10);
      expect(q.bids).toHaveLength(10);
      const bid = q.bids[0]!.price;
      const ticks = Math.round((q.asks[0]!.price - bid) / tickSize(s, bid));
      expect(ticks).toBeGreaterThanOrEqual(1);
      expect(ticks).toBeLessThanOrEqual(3);
      expect(bid).toBeGreaterThan(300);
      expect(bid).toBeLessThan(5_000_000);
      for (let i = 1; i < 10; i++) expect(q.asks[i]!.price).toBeGreaterThan(q.asks[i - 1]!.price);
    }
  });
});

describe('intraday volume', () => {
  it('is U-shaped: the first and last continuous minutes are busier than midday', () => {
    const m = createSimMarket({ seed: 3 });
    let open = 0;
    let mid = 0;
    let close = 0;
    let d = D('2026-03-03');
    for (let i = 0; i < 3; i++, d = cal.nextTradingDay(d)) {
      for (const s of m.instruments(d).filter((x) => x.kind === 'stock')) {
        const bars = m.minuteBars(s.code, atMinutes(d, 9 * 60), atMinutes(d, 15 * 60 + 20));
        const vol = (from: number, to: number): number =>
          bars
            .filter((b) => b.time >= atMinutes(d, from) && b.time < atMinutes(d, to))
            .reduce((a, b) => a + b.volume, 0);
        // Continuous volume only: skip the 09:00 minute, which holds the opening auction print.
        open += vol(9 * 60 + 1, 9 * 60 + 11);
        mid += vol(12 * 60, 12 * 60 + 10);
        close += vol(15 * 60 + 10, 15 * 60 + 20);
      }
    }
    expect(open).toBeGreaterThan(2 * mid);
    expect(close).toBeGreaterThan(1.5 * mid);
  });
});
