import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { parseKst, parseKstDate } from '../../src/time/kst.js';
import { scriptedStrategy } from './scripted.js';

const D = parseKstDate('2026-11-20');
const CAPITAL = 100_000_000;
let db: TestDb;

const candle = (symbol: string, time: string, o: number, h: number, l: number, c: number): Candle => ({
  symbol,
  time: parseKst(`2026-11-20 ${time}`),
  tradingDate: D,
  open: o,
  high: h,
  low: l,
  close: c,
  volume: 10,
  openInterest: null,
});

beforeAll(async () => {
  db = await createTestDb();
  const f = (time: string, o: number, h: number, l: number, c: number) => candle('A01612', time, o, h, l, c);
  await writeCandles(db.pool, 'futures_101', [
    f('06:00', 400, 400, 400, 400),
    f('10:00', 400, 400.2, 399.8, 400),
    f('10:01', 400.1, 400.5, 400, 400.4),
    f('10:02', 400.4, 400.4, 399, 399.2),
    f('10:03', 399.2, 401, 399.1, 400.9),
    f('10:04', 401, 401.2, 400.8, 401),
    f('10:05', 401, 401, 401, 401),
  ]);
  const s = (time: string, c: number) => candle('005930', time, c, c, c, c);
  await writeCandles(db.pool, 'stocks_1m', [
    s('09:30', 70_000),
    s('10:30', 71_000),
    s('11:00', 71_000),
    s('11:30', 70_500),
  ]);
});
afterAll(async () => db?.drop());

describe('backtest on hand-built bars with known trades', () => {
  it('futures, next open, 1 tick slippage: exact P&L, commission, drawdown; no fill across a session close', async () => {
    const strategy = scriptedStrategy('known-futures', 'A01612', {
      '2026-11-20 06:00': 'enter_short', // the night session's last candle: next bar is in the day session
      '2026-11-20 10:00': 'enter_long',
      '2026-11-20 10:03': 'exit',
    });
    const r = await runBacktest(db.pool, strategy, {
      from: D,
      to: D,
      capital: CAPITAL,
      fills: { fillAt: 'next_open', slippageTicks: 1, commission: { derivative: { rate: 0.00003 } } },
    });
    expect(r.orders.map((o) => [o.order.intent, o.status, o.reason])).toEqual([
      ['enter_short', 'unfilled', 'session_closed'],
      ['enter_long', 'filled', undefined],
      ['exit', 'filled', undefined],
    ]);
    expect(r.fills.map((f) => [f.side, f.price, f.commission, f.tax])).toEqual([
      ['buy', 400.15, 3001, 0],
      ['sell', 400.95, 3007, 0],
    ]);
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect([t.side, t.entryPrice, t.exitPrice, t.commission, t.tax]).toEqual([
      'long',
      400.15,
      400.95,
      6008,
      0,
    ]);
    expect(t.gross).toBeCloseTo(200_000, 6);
    expect(t.net).toBeCloseTo(193_992, 6);
    const s = r.summary;
    expect(s.netPnl).toBeCloseTo(193_992, 6);
    expect(s.commission).toBe(6008);
    // Peak after 10:01 (marked at 400.4: +62,500 − 3,001), trough at 10:02 (399.2: −237,500 − 3,001).
    expect(s.maxDrawdown).toBeCloseTo(300_000, 6);
    expect(s.maxDrawdownPct).toBeCloseTo(300_000 / (CAPITAL + 59_499), 12);
    expect([s.trades, s.wins, s.losses, s.winRate, s.profitFactor, s.unfilledOrders]).toEqual([
      1,
      1,
      0,
      1,
      null,
      1,
    ]);
    // Long at the ends of 10:01, 10:02 and 10:03 (flat again at 10:04's open), of every batch minute of the day.
    expect(r.equity).toHaveLength(651 + 411);
    expect(s.exposure).toBeCloseTo(3 / r.equity.length, 12);
    expect(r.days).toHaveLength(1);
    expect(r.days[0]!.pnl).toBeCloseTo(193_992, 6);
    expect(r.open).toEqual([]);
  });

  it('stocks, signal close: transaction tax on sells, win rate and profit factor', async () => {
    const strategy = scriptedStrategy(
      'known-stock',
      '005930',
      {
        '2026-11-20 09:30': 'enter_long',
        '2026-11-20 10:30': 'exit',
        '2026-11-20 11:00': 'enter_long',
        '2026-11-20 11:30': 'exit',
      },
      'stocks',
    );
    const r = await runBacktest(db.pool, strategy, {
      from: D,
      to: D,
      capital: CAPITAL,
      fills: {
        fillAt: 'signal_close',
        quantity: 10,
        maxPosition: 10,
        commission: { stock: { rate: 0.00015 } },
      },
    });
    expect(r.fills.map((f) => [f.side, f.price, f.commission, f.tax])).toEqual([
      ['buy', 70_000, 105, 0],
      ['sell', 71_000, 106, 1420],
      ['buy', 71_000, 106, 0],
      ['sell', 70_500, 105, 1410],
    ]);
    expect(r.trades.map((t) => t.net)).toEqual([8_369, -6_621]);
    const s = r.summary;
    expect(s.netPnl).toBe(8_369 - 6_621);
    expect(s.tax).toBe(2_830);
    expect(s.winRate).toBe(0.5);
    expect(s.profitFactor).toBeCloseTo(8_369 / 6_621, 12);
    // The second trade's loss from the peak after the first: −5,000 gross at 11:30 less its costs.
    expect(s.maxDrawdown).toBe(6_621);
  });
});
