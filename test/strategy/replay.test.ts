import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle, Signal } from '../../src/db/types.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { createVwapAtrStrategy } from '../../src/strategy/vwap-atr.js';
import { runStrategyBatch } from '../../src/strategy/runner.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { parseKstDate, formatKst, type KstTime } from '../../src/time/kst.js';
import { syntheticFutureCandles } from './synthetic.js';

const cal = defaultCalendar();
const D1 = parseKstDate('2026-11-23');
const D2 = parseKstDate('2026-11-24');
const SYMBOL = 'A01612';
const strategy = createVwapAtrStrategy();
let db: TestDb;
let candles: Candle[];

async function storedSignals(from: KstTime, to: KstTime): Promise<Signal[]> {
  const r = await db.pool.query<{
    strategy: string;
    timestamp: KstTime;
    symbol: string;
    kind: string;
    value: number | null;
    payload: Record<string, unknown>;
  }>(
    `SELECT strategy, "timestamp", symbol, kind, value, payload FROM signals WHERE "timestamp" >= $1 AND "timestamp" <= $2 ORDER BY "timestamp", symbol, kind`,
    [formatKst(from), formatKst(to)],
  );
  return r.rows.map((x) => ({
    strategy: x.strategy,
    time: x.timestamp,
    symbol: x.symbol,
    kind: x.kind,
    value: x.value,
    payload: x.payload,
  }));
}

const byKey = (a: Signal, b: Signal): number =>
  a.time - b.time || a.symbol.localeCompare(b.symbol) || a.kind.localeCompare(b.kind);
// JSONB does not keep key order; compare payloads as data.
const normal = (s: Signal[]): unknown[] =>
  [...s].sort(byKey).map((x) => ({ ...x, payload: JSON.parse(JSON.stringify(x.payload ?? {})) as unknown }));

beforeAll(async () => {
  db = await createTestDb();
  candles = syntheticFutureCandles(SYMBOL, [D1, D2], cal);
});
afterAll(async () => db?.drop());

describe('live runner vs replay', () => {
  const live: Signal[] = [];
  let d2Minutes: KstTime[] = [];

  it('runs live minute by minute as each day-session candle lands', async () => {
    // Everything up to the D2 night session is stored already; the day session arrives minute by minute.
    const dayMinutes = new Set<number>(cal.candleMinutes('derivatives', D2));
    await writeCandles(
      db.pool,
      'futures_101',
      candles.filter((c) => !dayMinutes.has(c.time)),
    );
    const day = candles.filter((c) => dayMinutes.has(c.time));
    d2Minutes = day.map((c) => c.time);
    for (const c of day) {
      await writeCandles(db.pool, 'futures_101', [c]);
      const r = await runStrategyBatch(db.pool, strategy, c.time, { calendar: cal });
      expect(r.tradingDate).toBe(D2);
      live.push(...r.signals);
    }
    // The data must exercise the rule: a monitor every minute and some trades of each kind.
    expect(live.filter((s) => s.kind === 'monitor').length).toBe(day.length);
    for (const kind of ['enter_long', 'enter_short', 'exit'])
      expect(
        live.some((s) => s.kind === kind),
        kind,
      ).toBe(true);
    expect(normal(await storedSignals(d2Minutes[0]!, d2Minutes.at(-1)!))).toEqual(normal(live));
  });

  it('replay over the stored candles gives exactly the live signals', async () => {
    const r = await replayStrategy(db.pool, strategy, { from: D1, to: D2, calendar: cal });
    expect(r.days.map((d) => d.tradingDate)).toEqual([D1, D2]);
    expect(r.days[1]!.batches).toBe(cal.candleMinutes('night', D2).length + d2Minutes.length);
    const replayD2 = r.signals.filter((s) => s.time >= d2Minutes[0]! && s.time <= d2Minutes.at(-1)!);
    expect(normal(replayD2)).toEqual(normal(live));
    expect(r.signals.some((s) => s.time < d2Minutes[0]! && s.kind !== 'monitor')).toBe(true);
  });

  it('replay --write stores like live and is idempotent', async () => {
    const first = await replayStrategy(db.pool, strategy, { from: D1, to: D2, calendar: cal, write: true });
    // D1 and D2's night are new; D2's day session was written by the live runner with the same values.
    expect(first.days[0]!.stored).toMatchObject({ inserted: first.days[0]!.signals, updated: 0, deleted: 0 });
    expect(first.days[1]!.stored).toMatchObject({
      inserted: first.days[1]!.signals - live.length,
      updated: 0,
      unchanged: live.length,
      deleted: 0,
    });
    const again = await replayStrategy(db.pool, strategy, { from: D1, to: D2, calendar: cal, write: true });
    for (const d of again.days)
      expect(d.stored).toMatchObject({ inserted: 0, updated: 0, deleted: 0, rejected: 0 });
    const all = await storedSignals(candles[0]!.time, candles.at(-1)!.time);
    expect(all.length).toBe(first.signals.length);
  });

  it('after a correction to stored candles, a rewrite leaves exactly the new signals', async () => {
    const idx = candles.findIndex((c) => c.time === d2Minutes[200]);
    const spike = { ...candles[idx]!, low: candles[idx]!.low - 30, close: candles[idx]!.close - 25 };
    await writeCandles(db.pool, 'futures_101', [spike]);
    // A signal this strategy does not emit (to be removed), and another strategy's (to be kept).
    const quiet = d2Minutes.find((t) => !live.some((s) => s.time === t && s.kind !== 'monitor'))!;
    await db.pool.query(
      `INSERT INTO signals (strategy, "timestamp", symbol, kind, value) VALUES ('vwap-atr', $1, $2, 'enter_short', 1), ('other', $1, $2, 'enter_short', 1)`,
      [formatKst(quiet), SYMBOL],
    );
    const r = await replayStrategy(db.pool, strategy, { from: D2, to: D2, calendar: cal, write: true });
    const stored = r.days[0]!.stored!;
    expect(stored.updated).toBeGreaterThan(0);
    expect(stored.deleted).toBeGreaterThan(0);
    const monitor = r.signals.find((s) => s.time === spike.time && s.kind === 'monitor')!;
    expect(monitor.value!).toBeLessThan(-2);
    const after = await storedSignals(candles.find((c) => c.tradingDate === D2)!.time, d2Minutes.at(-1)!);
    expect(normal(after.filter((s) => s.strategy === 'vwap-atr'))).toEqual(normal(r.signals));
    expect(after.filter((s) => s.strategy === 'other')).toHaveLength(1);
  });
});
