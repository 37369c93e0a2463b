/**
 * The `trades` input: a strategy that declares `trades()` sees the stored trades (ticks) of each batch
 * minute, identically live (the per-minute runner), in replay and in backtest; a minute without stored
 * trades gives an empty list; an undeclared symbol is a strategy error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles, writeTicks } from '../../src/db/writer.js';
import type { Candle, Tick } from '../../src/db/types.js';
import type { Strategy } from '../../src/strategy/api.js';
import { runStrategyBatch } from '../../src/strategy/runner.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { batchMinutes } from '../../src/strategy/inputs.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { parseKst, parseKstDate } from '../../src/time/kst.js';

const D = parseKstDate('2026-11-20');
const S = 'A01612';
let db: TestDb;

const candle = (time: string, p: number): Candle => ({
  symbol: S, time: parseKst(`2026-11-20 ${time}`), tradingDate: D, open: p, high: p + 0.2, low: p - 0.2, close: p, volume: 10, openInterest: null,
});
const TRADES: [string, number, number][] = [
  ['10:00:01', 400, 2], ['10:00:30', 400.2, 1], ['10:00:59', 399.9, 3],
  ['10:01:00', 401, 1], ['10:01:40', 401.1, 4],
  // 10:02 has a bar but no stored trade.
];

/** Buys when the minute's last trade is above its first; reports the trade count and volume-weighted price. */
const flow: Strategy = {
  name: 'trade-flow',
  lookback: 1,
  instruments: () => [S],
  trades: () => [S],
  sessions: () => [{ product: 'derivatives' }],
  onBatch(input) {
    if (!input.batch.has(S)) return [];
    const t = input.trades(S);
    const volume = t.reduce((n, x) => n + x.volume, 0);
    const vwap = volume ? t.reduce((n, x) => n + x.price * x.volume, 0) / volume : null;
    const out = [{ time: input.time, symbol: S, kind: 'monitor', value: t.length, payload: { vwap } }];
    if (t.length > 1 && t.at(-1)!.price > t[0]!.price) out.push({ time: input.time, symbol: S, kind: 'enter_long', value: t.at(-1)!.price, payload: { vwap } });
    return out;
  },
};

beforeAll(async () => {
  db = await createTestDb();
  await writeCandles(db.pool, 'futures_101', [candle('10:00', 400), candle('10:01', 401), candle('10:02', 401)]);
  const ticks: Tick[] = TRADES.map(([t, price, volume], i) => ({ symbol: S, time: parseKst(`2026-11-20 ${t}`), tradingDate: D, price, volume, cumVolume: i + 10 }));
  await writeTicks(db.pool, ticks);
});
afterAll(async () => db?.drop());

describe('strategy input: trades where collected', () => {
  it('live = replay = backtest, with the minute trades as stored; none stored → empty', async () => {
    const calendar = defaultCalendar();
    const live = [];
    for (const time of batchMinutes(flow, { tradingDate: D, calendar })) {
      live.push(...(await runStrategyBatch(db.pool, flow, time, { calendar, tradingDate: D, write: false })).signals);
    }
    const replay = (await replayStrategy(db.pool, flow, { from: D, to: D, calendar })).signals;
    const backtest = (await runBacktest(db.pool, flow, { from: D, to: D, calendar })).signals;
    const at = (t: string) => parseKst(`2026-11-20 ${t}`);
    expect(live).toEqual([
      { strategy: 'trade-flow', time: at('10:00'), symbol: S, kind: 'monitor', value: 3, payload: { vwap: (400 * 2 + 400.2 + 399.9 * 3) / 6 } },
      { strategy: 'trade-flow', time: at('10:01'), symbol: S, kind: 'monitor', value: 2, payload: { vwap: (401 + 401.1 * 4) / 5 } },
      { strategy: 'trade-flow', time: at('10:01'), symbol: S, kind: 'enter_long', value: 401.1, payload: { vwap: (401 + 401.1 * 4) / 5 } },
      { strategy: 'trade-flow', time: at('10:02'), symbol: S, kind: 'monitor', value: 0, payload: { vwap: null } },
    ]);
    expect(replay).toEqual(live);
    expect(backtest).toEqual(live);
  });

  it('asking for trades of an undeclared symbol is a strategy error naming it', async () => {
    const greedy: Strategy = { ...flow, name: 'greedy', onBatch: (input) => (input.trades('005930'), []) };
    await expect(runStrategyBatch(db.pool, greedy, parseKst('2026-11-20 10:00'), { tradingDate: D, write: false })).rejects.toThrow(
      /strategy greedy asked for trades of 005930, which its trades\(\) did not list/,
    );
  });
});
