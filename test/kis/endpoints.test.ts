/** Every REST endpoint of the client against the simulator over real sockets, checked against the simulator's market. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KisUnsupportedError, KisInvalidArgumentError } from '../../src/kis/errors.js';
import type { MinuteBar } from '../../src/kis/types.js';
import type { Instrument } from '../../src/market/types.js';
import { type KstDate, type KstTime, addDays, addMinutes, atMinutes, dateOf, kisDate, parseKst, toKst } from '../../src/time/kst.js';
import { startSimClient, type SimClient } from './sim-harness.js';

let h: SimClient;
let today: KstDate;
let now: KstTime;
let future: Instrument;

const ohlcv = (b: { time: number; open: number; high: number; low: number; close: number; volume: number }): number[] => [b.time, b.open, b.high, b.low, b.close, b.volume];

beforeAll(async () => {
  h = await startSimClient();
  now = toKst(h.sim.clock.now());
  today = dateOf(now);
  future = h.sim.market
    .instruments(today)
    .filter((i) => i.kind === 'future' && i.family === 'kospi200')
    .sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!;
});
afterAll(() => h?.close());

describe('stock endpoints', () => {
  it('current price matches the market snapshot, numbers typed', async () => {
    const q = await h.client.stockPrice({ code: '005930' });
    const snap = h.sim.market.snapshot('005930', toKst(h.sim.clock.now()));
    expect(q.code).toBe('005930');
    expect(typeof q.price).toBe('number');
    expect(q.open).toBe(snap.open);
    expect(q.upperLimit).toBe(snap.upperLimit);
    expect(q.price).toBeGreaterThanOrEqual(q.low);
    expect(q.price).toBeLessThanOrEqual(q.high);
    expect(q.volume).toBeGreaterThan(0);
  });

  it("today's minute chart: 30 bars ending at the requested minute, labelled by minute start, equal to the tape", async () => {
    const until = atMinutes(today, 10 * 60);
    const bars = await h.client.stockMinutesToday({ code: '005930', until });
    expect(bars).toHaveLength(30);
    expect(bars.at(-1)!.time).toBe(until);
    expect(bars[0]!.time).toBe(addMinutes(until, -29));
    const expected = h.sim.market.minuteBars('005930', bars[0]!.time, addMinutes(until, 1));
    expect(bars.map(ohlcv)).toEqual(expected.map(ohlcv));
  });

  it('pages back over today and yesterday with the right row caps, ascending and without duplicates', async () => {
    const yesterday = addDays(today, -1);
    const from = atMinutes(yesterday, 14 * 60);
    const to = atMinutes(today, 9 * 60 + 45);
    const bars = await h.client.fetchMinuteBars({ code: '005930', market: 'J', from, to });
    const expected = [
      ...h.sim.market.minuteBars('005930', from, atMinutes(yesterday, 24 * 60)),
      ...h.sim.market.minuteBars('005930', atMinutes(today, 0), addMinutes(to, 1)),
    ];
    expect(bars.map(ohlcv)).toEqual(expected.map(ohlcv));
    expect(new Set(bars.map((b) => b.time)).size).toBe(bars.length);
  });

  it('past-date minute chart returns up to 120 bars of that date', async () => {
    const day = addDays(today, -1);
    const bars = await h.client.stockMinutesPast({ code: '000660', date: day, until: '153000' });
    expect(bars).toHaveLength(120);
    expect(bars.every((b) => dateOf(b.time) === day)).toBe(true);
    expect(bars.map(ohlcv)).toEqual(h.sim.market.minuteBars('000660', bars[0]!.time, addMinutes(bars.at(-1)!.time, 1)).map(ohlcv));
  });

  it('only completed bars when asked', async () => {
    const clockNow = toKst(h.sim.clock.now());
    const all = await h.client.fetchMinuteBars({ code: '005930', market: 'J', from: addMinutes(clockNow, -5), to: addMinutes(clockNow, 5) });
    const done = await h.client.fetchMinuteBars({ code: '005930', market: 'J', from: addMinutes(clockNow, -5), to: addMinutes(clockNow, 5), completedOnly: true });
    const cutoff = toKst(h.sim.clock.now());
    expect(done.every((b: MinuteBar) => addMinutes(b.time, 1) <= cutoff)).toBe(true);
    expect(done.length).toBeGreaterThanOrEqual(4);
    expect(all.length).toBeGreaterThanOrEqual(done.length);
  });

  it('daily chart pages past the 100-row cap, ascending', async () => {
    const from = addDays(today, -160);
    const bars = await h.client.fetchDailyBars({ code: '005930', market: 'J', from, to: addDays(today, -1) });
    expect(bars.length).toBeGreaterThan(100);
    expect(bars[0]!.date >= from).toBe(true);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.date > bars[i - 1]!.date).toBe(true);
    // The last daily bar is yesterday's session: its close is the last minute bar's close.
    const yesterday = addDays(today, -1);
    const minutes = h.sim.market.minuteBars('005930', atMinutes(yesterday, 0), atMinutes(yesterday, 24 * 60));
    expect(bars.at(-1)!.date).toBe(yesterday);
    expect(bars.at(-1)!.close).toBe(minutes.at(-1)!.close);
  });
});

describe('futures/options endpoints', () => {
  it('F/O current price of the front future', async () => {
    const q = await h.client.foPrice({ code: future.code });
    const snap = h.sim.market.snapshot(future.code, toKst(h.sim.clock.now()));
    expect(q.open).toBe(snap.open);
    expect(q.lastTradingDate).toBe(future.expiry);
    expect(q.price).toBeGreaterThan(0);
  });

  it('F/O current price of an option: strike and expiry of the listed series, IV and greeks typed as numbers', async () => {
    const expiry = h.sim.market.optionExpiries('KOSPI200', 'monthly', today)[0]!;
    const row = h.sim.market.optionBoard('KOSPI200', 'monthly', expiry, toKst(h.sim.clock.now())).calls.find((r) => r.atm === 'ATM')!;
    const q = await h.client.foPrice({ code: row.instrument.code });
    expect(q.strike).toBe(row.instrument.strike);
    expect(q.lastTradingDate).toBe(row.instrument.expiry);
    expect(q.iv).toBeGreaterThan(0);
    expect(q.greeks.delta).toBeGreaterThan(0.2);
    expect(q.greeks.delta).toBeLessThan(0.8);
    expect(typeof q.greeks.gamma).toBe('number');
    expect(q.price).toBeGreaterThan(0);
  });

  it('F/O minute chart: 102 bars per call, paged back into the previous day session', async () => {
    const to = atMinutes(today, 10 * 60);
    const from = atMinutes(addDays(today, -1), 15 * 60);
    const page = await h.client.foMinutes({ code: future.code, until: to });
    expect(page).toHaveLength(102);
    expect(page.at(-1)!.time).toBe(to);
    const bars = await h.client.fetchMinuteBars({ code: future.code, market: 'F', from, to });
    // Division F serves the day session (the night session of the same contract is division CM):
    // every bar must equal the tape's, and every day-session minute of the range must be there.
    const tape = new Map(h.sim.market.minuteBars(future.code, from, addMinutes(to, 1)).map((b) => [b.time, b]));
    for (const b of bars) expect(ohlcv(b)).toEqual(ohlcv(tape.get(b.time)!));
    const got = new Set(bars.map((b) => b.time));
    const daySession = [...tape.keys()].filter((t) => new Date(t).getUTCHours() >= 8 && new Date(t).getUTCHours() < 16);
    expect(daySession.length).toBeGreaterThan(100);
    expect(daySession.filter((t) => !got.has(t))).toEqual([]);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.time).toBeGreaterThan(bars[i - 1]!.time);
  });

  it('night F/O minute chart (CM): after-midnight bars encoded +24 h come back as next-day wall-clock', async () => {
    const from = atMinutes(addDays(today, -1), 23 * 60);
    const to = atMinutes(today, 90);
    const bars = await h.client.fetchMinuteBars({ code: future.code, market: 'CM', from, to });
    expect(bars.length).toBeGreaterThan(100);
    expect(bars.at(-1)!.time).toBe(to);
    expect(bars.map(ohlcv)).toEqual(h.sim.market.minuteBars(future.code, from, addMinutes(to, 1)).map(ohlcv));
  });

  it('F/O daily chart', async () => {
    const bars = await h.client.foDaily({ code: future.code, from: addDays(today, -30), to: addDays(today, -1) });
    expect(bars.length).toBeGreaterThan(10);
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.date > bars[i - 1]!.date).toBe(true);
  });

  it('option board: calls and puts of the monthly expiry, highest strike first, matching the market', async () => {
    const expiry = h.sim.market.optionExpiries('KOSPI200', 'monthly', today)[0]!;
    const yyyymm = kisDate(expiry).slice(0, 6);
    const board = await h.client.optionBoard({ expiry: yyyymm });
    const sim = h.sim.market.optionBoard('KOSPI200', 'monthly', expiry, toKst(h.sim.clock.now()));
    expect(board.calls.map((r) => r.code)).toEqual(sim.calls.slice(0, 100).map((r) => r.instrument.code));
    expect(board.puts.length).toBe(Math.min(100, sim.puts.length));
    for (let i = 1; i < board.calls.length; i++) expect(board.calls[i]!.strike).toBeLessThan(board.calls[i - 1]!.strike);
    const atm = board.calls.find((r) => r.atm === 'ATM');
    expect(atm?.iv).toBeGreaterThan(0);
    expect(atm?.greeks.delta).toBeGreaterThan(0.2);
  });

  it('weekly boards take YYMMWW and refuse a monthly-shaped expiry locally', async () => {
    await expect(h.client.optionBoard({ expiry: '202612', series: 'weekly-thu' })).rejects.toBeInstanceOf(KisInvalidArgumentError);
    await expect(h.client.optionBoard({ expiry: '2612', series: 'monthly' })).rejects.toThrow(/YYYYMM/);
  });

  it('option expiry list and futures board', async () => {
    const expiries = await h.client.optionExpiries();
    expect(expiries.length).toBeGreaterThan(0);
    expect(expiries.every((e) => /^\d{6}$/.test(e.month))).toBe(true);
    const futures = await h.client.futuresBoard({ family: 'kospi200' });
    expect(futures.map((f) => f.code)).toContain(future.code);
  });
});

describe('holidays', () => {
  it('pages with tr_cont and reports weekends closed', async () => {
    const from = today;
    const to = addDays(today, 60);
    const rows = await h.client.holidays({ from, to });
    expect(rows[0]!.date).toBe(from);
    expect(rows.at(-1)!.date).toBe(to);
    expect(rows).toHaveLength(61);
    const sat = rows.find((r) => new Date(parseKst(r.date)).getUTCDay() === 6)!;
    expect(sat.marketOpen).toBe(false);
    const first = await h.client.holidayPage({ from });
    expect(first.next).toBeDefined();
    expect(first.rows.length).toBeLessThan(61);
  });
});

describe('paper accounts', () => {
  it('refuse real-only endpoints locally with a clear error, and serve the rest', async () => {
    const p = await startSimClient({ mode: 'paper' });
    try {
      await expect(p.client.optionBoard({ expiry: '202612' })).rejects.toBeInstanceOf(KisUnsupportedError);
      await expect(p.client.foMinutes({ code: future.code, until: now })).rejects.toThrow(/모의투자 미지원|paper/);
      const yesterday = addDays(dateOf(toKst(p.sim.clock.now())), -1);
      await expect(p.client.fetchMinuteBars({ code: '005930', market: 'J', from: atMinutes(yesterday, 600), to: atMinutes(yesterday, 610) })).rejects.toThrow(/real account/);
      expect((await p.client.stockPrice({ code: '005930' })).price).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
  });
});
