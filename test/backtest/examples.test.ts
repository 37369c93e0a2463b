import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import type { Candle, OptionMatrixRow } from '../../src/db/types.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { loadStrategyPlugin } from '../../src/strategy/plugin.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { addMinutes, parseKst, parseKstDate, type KstTime } from '../../src/time/kst.js';
import { syntheticFutureCandles } from '../strategy/synthetic.js';
import { monthlyUnderlying } from '../../examples/strategies/option-skew.js';

const cal = defaultCalendar();
const D1 = parseKstDate('2026-11-19');
const D2 = parseKstDate('2026-11-20');
let db: TestDb;
let candles: Candle[];

/** Seconds-free minute key. */
const at = (s: string): KstTime => parseKst(`2026-11-20 ${s}`);

beforeAll(async () => {
  db = await createTestDb();
  candles = syntheticFutureCandles('A01612', [D1, D2], cal, 11);
  await writeCandles(db.pool, 'futures_101', candles);
  // The monthly IV surface on D2 from 09:00 to 10:00: skew 0.02, 0.035 from 09:10, 0.005 from 09:30.
  const underlying = monthlyUnderlying({ tradingDate: D2, calendar: cal });
  const rows: OptionMatrixRow[] = [];
  for (let t = at('09:00'); t <= at('10:00'); t = addMinutes(t, 1)) {
    const skew = t < at('09:10') ? 0.02 : t < at('09:30') ? 0.035 : 0.005;
    const puts = Array.from({ length: 21 }, () => 0.2 as number | null);
    puts[12] = 0.2 + skew;
    const calls = Array.from({ length: 21 }, () => 0.2 as number | null);
    rows.push({
      time: t,
      underlyingSymbol: underlying,
      metric: 'iv',
      atmStrike: 400,
      strikeStep: 2.5,
      calls,
      puts,
    });
  }
  await writeOptionMatrices(db.pool, '101', rows);
});
afterAll(async () => db?.drop());

describe('example strategies', () => {
  it('futures-opening-range: one breakout per session, closed at the session close; backtest = replay', async () => {
    const s = await loadStrategyPlugin('examples/strategies/futures-opening-range.ts');
    const replay = await replayStrategy(db.pool, s, { from: D1, to: D2 });
    const bt = await runBacktest(db.pool, s, { from: D1, to: D2, fills: { fillAt: 'signal_close' } });
    expect(bt.signals).toEqual(replay.signals);
    const entries = bt.signals.filter((x) => x.kind.startsWith('enter_'));
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      // Checked against the stored bars: the entry close is outside the session's first-15-minute range.
      const session = cal.sessionForCandle('derivatives', e.time) ?? cal.sessionForCandle('night', e.time)!;
      const range = candles.filter((c) => c.time >= session.open).slice(0, 15);
      const close = candles.find((c) => c.time === e.time)!.close;
      if (e.kind === 'enter_long') expect(close).toBeGreaterThan(Math.max(...range.map((c) => c.high)));
      else expect(close).toBeLessThan(Math.min(...range.map((c) => c.low)));
      const exit = bt.signals.find((x) => x.kind === 'exit' && x.time > e.time)!;
      expect(exit.time).toBe(session.close);
    }
    expect(bt.trades).toHaveLength(entries.length);
    expect(bt.open).toEqual([]);
  });

  it('option-skew: trades on the stored IV surface, and without a surface only reports why', async () => {
    const s = await loadStrategyPlugin('examples/strategies/option-skew.ts');
    const replay = await replayStrategy(db.pool, s, { from: D1, to: D2 });
    const bt = await runBacktest(db.pool, s, { from: D1, to: D2 });
    expect(bt.signals).toEqual(replay.signals);
    // D1 has no matrices: monitors only, value null with the reason.
    const d1 = bt.signals.filter((x) => x.time < at('00:00'));
    expect(new Set(d1.map((x) => `${x.kind}:${String(x.value)}:${String(x.payload?.reason)}`))).toEqual(
      new Set(['monitor:null:no_matrix']),
    );
    expect(bt.orders.map((o) => [o.order.intent, o.order.signalTime, o.status])).toEqual([
      ['enter_long', at('09:10'), 'filled'],
      ['exit', at('09:30'), 'filled'],
    ]);
    expect(bt.fills.map((f) => f.time)).toEqual([at('09:11'), at('09:31')]);
    const next = (t: KstTime) => candles.find((c) => c.time === t)!.open;
    expect(bt.trades[0]!.gross).toBeCloseTo((next(at('09:31')) - next(at('09:11'))) * 250_000, 4);
    // The last matrix is 10:00; five minutes later it is stale and the strategy stops trusting it.
    const stale = bt.signals.find((x) => x.time === at('10:06'))!;
    expect(stale.payload?.reason).toBe('stale_matrix');
    expect(bt.signals.find((x) => x.time === at('10:05') && x.kind === 'monitor')!.value).toBeCloseTo(
      0.005,
      12,
    );
  });
});
