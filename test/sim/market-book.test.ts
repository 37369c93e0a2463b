/**
 * The order book brackets the trades (issue #10 item 5): every trade of a simulated hour happened at the
 * bid or ask of the book at that moment — for stocks, futures (day and night) and options — and the book
 * the REST endpoints read at that moment (`quote`, the option board) says the same; the futures book never
 * shows a bid above the day's high or an ask below its low.
 */
import { describe, expect, it } from 'vitest';
import { listedFutures } from '../../src/market/instruments/index.js';
import type { Instrument } from '../../src/market/types.js';
import { createSimMarket, type SimQuote, type SimTrade } from '../../src/sim/market/index.js';
import { atMinutes, type KstDate, type KstTime } from '../../src/time/kst.js';

const m = createSimMarket({ seed: 17 });
const d = '2026-03-05' as KstDate;
const HOUR = 3_600_000;

/** Why `q` does not bracket `price` (bid ≤ price ≤ ask, 0 < bid < ask), or undefined. */
function notBracketing(q: SimQuote, price: number): string | undefined {
  const bid = q.bids[0]!.price;
  const ask = q.asks[0]!.price;
  const ok = bid > 0 && bid < ask && bid <= price + 1e-9 && ask >= price - 1e-9;
  return ok ? undefined : `bid ${bid} / last ${price} / ask ${ask}`;
}

/**
 * Every trade of [from, to): its own touch, the book right after it, and the book at its second. Returns
 * the trades and the violations found (collected, not asserted one by one: there are ~10^5 trades).
 */
function checkHour(inst: Instrument, from: KstTime, to: KstTime): { trades: SimTrade[]; bad: string[] } {
  const trades = m.trades(inst.code, from, to);
  const bad: string[] = [];
  for (const [i, t] of trades.entries()) {
    const what = `${inst.code} ${new Date(t.time).toISOString()} #${i}`;
    // The aggressor took the side the trade printed on; the other side is above/below it.
    if (!(t.bid < t.ask && (t.side === 1 ? t.ask : t.bid) === t.price))
      bad.push(`${what}: trade ${t.price} side ${t.side} touch ${t.bid}/${t.ask}`);
    const after = m.quoteAfter(t);
    const a = notBracketing(after, t.price);
    if (a || after.bids[0]!.price !== t.bid || after.asks[0]!.price !== t.ask)
      bad.push(`${what}: book after the trade ${a ?? `${after.bids[0]!.price}/${after.asks[0]!.price}`}`);
    // What a REST call at that second reads: the last trade of the second and the book then.
    const next = trades[i + 1];
    if (next && next.time === t.time) continue;
    const snap = m.snapshot(inst.code, t.time);
    if (snap.last !== t.price) bad.push(`${what}: snapshot last ${snap.last} ≠ ${t.price}`);
    const q = notBracketing(m.quote(inst.code, t.time), t.price);
    if (q) bad.push(`${what}: quote ${q}`);
  }
  return { trades, bad };
}

describe('the order book brackets every trade of a simulated hour', () => {
  const from = atMinutes(d, 10 * 60);

  it('stocks', () => {
    const stocks = m.instruments(d).filter((i) => i.kind === 'stock');
    let n = 0;
    const bad: string[] = [];
    for (const s of stocks) {
      const r = checkHour(s, from, (from + HOUR) as KstTime);
      n += r.trades.length;
      bad.push(...r.bad);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(n).toBeGreaterThan(1000);
  });

  it('futures, day and night; the book never leaves the day range', () => {
    const futures = listedFutures('kospi200', d).concat(listedFutures('mini', d).slice(0, 1));
    const night = atMinutes(d, 20 * 60);
    let n = 0;
    const bad: string[] = [];
    for (const f of futures) {
      const inst = m.instrument(f.code)!;
      for (const start of [from, night]) {
        const r = checkHour(inst, start, (start + HOUR) as KstTime);
        n += r.trades.length;
        bad.push(...r.bad);
        for (let at: number = start; at < start + HOUR; at += 10_000) {
          const s = m.snapshot(f.code, at as KstTime);
          if (s.cumVolume === 0) continue;
          const q = m.quote(f.code, at as KstTime);
          if (q.bids[0]!.price > s.high || q.asks[0]!.price < s.low)
            bad.push(
              `${f.code} at ${at}: book ${q.bids[0]!.price}/${q.asks[0]!.price} vs day ${s.low}..${s.high}`,
            );
        }
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(n).toBeGreaterThan(1000);
  });

  it('options (the nearest monthly, every strike), and the option board at the moment of a trade', () => {
    const expiry = m.optionExpiries('KOSPI200', 'monthly', d)[0]!;
    const board = m.optionBoard('KOSPI200', 'monthly', expiry, from);
    const rows = [...board.calls, ...board.puts];
    let n = 0;
    let boards = 0;
    const bad: string[] = [];
    for (const row of rows) {
      const { trades, bad: rowBad } = checkHour(row.instrument, from, (from + HOUR) as KstTime);
      n += trades.length;
      bad.push(...rowBad);
      const t = trades[trades.length - 1];
      if (!t || boards >= 4) continue;
      boards++;
      const b = m.optionBoard('KOSPI200', 'monthly', expiry, t.time);
      const r = [...b.calls, ...b.puts].find((x) => x.instrument.code === row.instrument.code)!;
      expect(r.snapshot.last).toBe(t.price);
      expect(r.bid).toBeLessThanOrEqual(t.price);
      expect(r.ask).toBeGreaterThanOrEqual(t.price);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(n).toBeGreaterThan(50);
    expect(boards).toBe(4);
  });
});
