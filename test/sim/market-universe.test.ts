/**
 * Larger universes for benchmarks: `stocks: N` lists N stocks, the extras generated from the seed with
 * KRX-looking codes that never collide with the basket, a KOSPI/KOSDAQ mix, prices across the tick table,
 * and the same guarantees as the basket (a trade in every candle minute, bars == trades).
 */
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { tickSize } from '../../src/market/instruments/index.js';
import { STOCKS, createSimMarket } from '../../src/sim/market/index.js';
import { type KstDate, type KstTime, addMinutes, floorMinute, formatKst } from '../../src/time/kst.js';

const cal = defaultCalendar();
const D = '2026-03-05' as KstDate;
const stocksOf = (m: ReturnType<typeof createSimMarket>) =>
  m.instruments(D).filter((i) => i.kind === 'stock');

describe('stocks: N', () => {
  it('lists N stocks: the basket first, then seeded extras with unique KRX-looking codes', () => {
    const m = createSimMarket({ seed: 21, stocks: 600 });
    const list = stocksOf(m);
    expect(list).toHaveLength(600);
    expect(list.slice(0, 32).map((s) => s.code)).toEqual(STOCKS.map((s) => s.code));
    const codes = list.map((s) => s.code);
    expect(new Set(codes).size).toBe(600);
    for (const c of codes) expect(c).toMatch(/^[0-9]{4}[0-9A-Z]0$/);
    const extras = list.slice(32);
    expect(extras.filter((s) => /[A-Z]/.test(s.code)).length).toBeGreaterThan(20);
    const kospi = extras.filter((s) => s.market === 'KOSPI').length;
    expect(kospi).toBeGreaterThan(150);
    expect(extras.length - kospi).toBeGreaterThan(150);
    for (const s of extras) expect(m.instrument(s.code)).toEqual(s);
  });

  it('is deterministic per seed and prefix-stable; fewer than 32 is a prefix of the basket', () => {
    const a = stocksOf(createSimMarket({ seed: 21, stocks: 300 })).map((s) => s.code);
    const b = stocksOf(createSimMarket({ seed: 21, stocks: 80 })).map((s) => s.code);
    const c = stocksOf(createSimMarket({ seed: 22, stocks: 80 })).map((s) => s.code);
    expect(a.slice(0, 80)).toEqual(b);
    expect(c.slice(32)).not.toEqual(b.slice(32));
    expect(stocksOf(createSimMarket({ seed: 21, stocks: 5 })).map((s) => s.code)).toEqual(
      STOCKS.slice(0, 5).map((s) => s.code),
    );
    expect(() => createSimMarket({ seed: 1, stocks: -1 })).toThrow(/stocks must be an integer/);
    expect(() => createSimMarket({ seed: 1, stocks: 2.5 })).toThrow(/stocks must be an integer/);
  });

  it('prices the extras across the tick table', () => {
    const m = createSimMarket({ seed: 21, stocks: 400 });
    const at = cal.session('stocks', D)!.close;
    const ticks = new Set<number>();
    for (const s of stocksOf(m).slice(32)) ticks.add(tickSize(s, m.snapshot(s.code, at).prevClose));
    // KRX's table has 7 bands (1, 5, 10, 50, 100, 500, 1000 KRW).
    expect(ticks.size).toBe(7);
  });

  it('trades every extra stock in every candle minute, bars equal to the trades', () => {
    const m = createSimMarket({ seed: 21, stocks: 2000 });
    const session = cal.session('stocks', D)!;
    const minutes = cal.candleMinutes('stocks', D).map(formatKst);
    const from = session.openAuction!.start;
    const to = addMinutes(session.close, 1);
    // A spread of the extras, including the least liquid ones.
    const extras = stocksOf(m).slice(32);
    const sample = [...extras.filter((_, i) => i % 97 === 0)];
    expect(sample.length).toBeGreaterThan(15);
    for (const s of sample) {
      const bars = m.minuteBars(s.code, from, to);
      expect(
        bars.map((b) => formatKst(b.time)),
        s.code,
      ).toEqual(minutes);
      const trades = m.trades(s.code, from, to);
      const byMinute = new Map<KstTime, { o: number; h: number; l: number; c: number; v: number }>();
      for (const t of trades) {
        const k = floorMinute(t.time);
        const b = byMinute.get(k);
        if (!b) byMinute.set(k, { o: t.price, h: t.price, l: t.price, c: t.price, v: t.qty });
        else
          Object.assign(b, {
            h: Math.max(b.h, t.price),
            l: Math.min(b.l, t.price),
            c: t.price,
            v: b.v + t.qty,
          });
      }
      for (const b of bars) {
        const x = byMinute.get(b.time)!;
        expect([b.open, b.high, b.low, b.close, b.volume]).toEqual([x.o, x.h, x.l, x.c, x.v]);
        expect(b.close % tickSize(s, b.close)).toBe(0);
      }
    }
  });
});
