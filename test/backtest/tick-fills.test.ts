/**
 * Backtest fills at stored trades: a hand-built tick series under hand-built bars, with known fills. The
 * strategy sees the same bars (same signals) with or without ticks; only the fill prices change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles, writeTicks } from '../../src/db/writer.js';
import type { Candle, Tick } from '../../src/db/types.js';
import { runBacktest, type BacktestOptions } from '../../src/backtest/engine.js';
import { backtestJson } from '../../src/backtest/output.js';
import { parseKst, parseKstDate } from '../../src/time/kst.js';
import { scriptedStrategy } from './scripted.js';

const D = parseKstDate('2026-11-20');
const SYMBOL = 'A01612';
let db: TestDb;

const candle = (time: string, o: number, h: number, l: number, c: number): Candle => ({
  symbol: SYMBOL, time: parseKst(`2026-11-20 ${time}`), tradingDate: D, open: o, high: h, low: l, close: c, volume: 10, openInterest: null,
});

/** Trades as [HH:MM:SS, price]; the bars above are their OHLC, except 10:02 and 10:03 (the stream missed them). */
const TRADES: [string, number][] = [
  ['10:00:00', 400], ['10:00:20', 400.2], ['10:00:40', 399.8], ['10:00:59', 400],
  ['10:01:00', 400.1], ['10:01:10', 400.5], ['10:01:25', 400.35], ['10:01:40', 400], ['10:01:59', 400.4],
  ['10:04:00', 401], ['10:04:12', 401.2], ['10:04:30', 400.85], ['10:04:45', 400.8], ['10:04:55', 401],
  ['10:05:00', 401],
];

beforeAll(async () => {
  db = await createTestDb();
  await writeCandles(db.pool, 'futures_101', [
    candle('06:00', 400, 400, 400, 400), // the night session's last candle
    candle('10:00', 400, 400.2, 399.8, 400),
    candle('10:01', 400.1, 400.5, 400, 400.4),
    candle('10:02', 400.4, 400.4, 399, 399.2),
    candle('10:03', 399.2, 401, 399.1, 400.9),
    candle('10:04', 401, 401.2, 400.8, 401),
    candle('10:05', 401, 401, 401, 401),
  ]);
  const ticks: Tick[] = TRADES.map(([t, price], i) => ({
    symbol: SYMBOL, time: parseKst(`2026-11-20 ${t}`), tradingDate: D, price, volume: 1, cumVolume: i + 1,
  }));
  await writeTicks(db.pool, ticks);
});
afterAll(async () => db?.drop());

const COMMISSION = { derivative: { rate: 0.00003 } };
const run = (script: Record<string, string>, o: Partial<BacktestOptions> = {}) =>
  runBacktest(db.pool, scriptedStrategy('ticks', SYMBOL, script), {
    from: D, to: D, fills: { fillAt: 'next_open', slippageTicks: 1, commission: COMMISSION }, ...o,
  });
const fills = (r: Awaited<ReturnType<typeof run>>) => r.fills.map((f) => [f.side, f.price, f.commission]);
const orders = (r: Awaited<ReturnType<typeof run>>) =>
  r.orders.map((o) => [o.order.intent, o.status, o.reason ?? null, o.basis ?? null, o.tradeTime === undefined ? null : new Date(o.tradeTime).toISOString().slice(11, 19)]);

describe('backtest fills at stored trades', () => {
  const SCRIPT = { '2026-11-20 10:00': 'enter_long', '2026-11-20 10:03': 'exit' };

  it('fills at the first trade after the signal bar closes (+ latency), slipped and clamped into its bar', async () => {
    // No latency: the first trades of 10:01 and 10:04 are the bars' opens, so the fills equal the bar model's.
    const atOnce = await run(SCRIPT);
    expect(orders(atOnce)).toEqual([
      ['enter_long', 'filled', null, 'trade', '10:01:00'],
      ['exit', 'filled', null, 'trade', '10:04:00'],
    ]);
    expect(fills(atOnce)).toEqual([['buy', 400.15, 3001], ['sell', 400.95, 3007]]);
    expect(atOnce.days[0]!.tickSymbols).toEqual([SYMBOL]);

    // 20 s latency: 10:01:25 at 400.35 (+1 tick = 400.40) and 10:04:30 at 400.85 (−1 tick = 400.80, the bar's low).
    const late = await run(SCRIPT, { latencyMs: 20_000 });
    expect(orders(late)).toEqual([
      ['enter_long', 'filled', null, 'trade', '10:01:25'],
      ['exit', 'filled', null, 'trade', '10:04:30'],
    ]);
    // 400.40 × 250,000 × 0.003 % = 3,003 won; 400.80 → 3,006 won.
    expect(fills(late)).toEqual([['buy', 400.4, 3003], ['sell', 400.8, 3006]]);
    expect(late.trades).toHaveLength(1);
    expect(late.trades[0]!.gross).toBeCloseTo(100_000, 6);
    expect(late.summary.netPnl).toBeCloseTo(100_000 - 6_009, 6);
    expect(late.fills.map((f) => new Date(f.time).toISOString().slice(11, 16))).toEqual(['10:01', '10:04']);

    // 10 s latency: the trade at 10:01:10 is the bar's high (400.5); one tick up would leave the bar.
    const clamped = await run(SCRIPT, { latencyMs: 10_000 });
    expect(fills(clamped)[0]).toEqual(['buy', 400.5, 3003]);

    // The strategy saw the same bars: the signals do not depend on the ticks.
    const bars = await run(SCRIPT, { ticks: false, latencyMs: 20_000 });
    expect(bars.signals).toEqual(late.signals);
    expect(orders(bars).map((o) => o[3])).toEqual(['bar', 'bar']);
    expect(bars.days[0]!.tickSymbols).toEqual([]);
    expect(fills(bars)).toEqual([['buy', 400.15, 3001], ['sell', 400.95, 3007]]);
  });

  it('a minute the stream missed falls back to its bar; a trade across a session close never fills', async () => {
    const r = await run({
      '2026-11-20 06:00': 'enter_short', // next trade 10:00:00 is in the day session
      '2026-11-20 10:01': 'enter_long', // next bar 10:02 has no stored trade: its open 400.4 (+1 tick is above its high)
      '2026-11-20 10:02': 'exit', // 10:03 has none either: 399.2 − 1 tick
    });
    expect(orders(r)).toEqual([
      ['enter_short', 'unfilled', 'session_closed', null, null],
      ['enter_long', 'filled', null, 'bar', null],
      ['exit', 'filled', null, 'bar', null],
    ]);
    expect(fills(r).map((f) => f.slice(0, 2))).toEqual([['buy', 400.4], ['sell', 399.15]]);
  });

  it('a latency past the last trade of the next minute waits for the following bar', async () => {
    // Signal 10:03 + 57 s → 10:04:57: no trade of 10:04 at or after it, so 10:05:00 at 401 (−1 tick is below that bar's low: 401).
    const r = await run({ '2026-11-20 10:00': 'enter_long', '2026-11-20 10:03': 'exit' }, { latencyMs: 57_000 });
    expect(orders(r).map((o) => o.slice(3))).toEqual([['trade', '10:01:59'], ['trade', '10:05:00']]);
    expect(fills(r).map((f) => f.slice(0, 2))).toEqual([['buy', 400.45], ['sell', 401]]);
    const json = backtestJson(r) as { orders: { tradeTime?: string }[] };
    expect(json.orders.map((o) => o.tradeTime)).toEqual(['2026-11-20T10:01:59', '2026-11-20T10:05:00']);
  });
});
