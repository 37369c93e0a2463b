import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import { runStrategyBatch } from '../../src/strategy/runner.js';
import { getStrategy, registerStrategy, strategies } from '../../src/strategy/registry.js';
import { StrategyError, type Strategy, type StrategyInput } from '../../src/strategy/api.js';
import { UserError } from '../../src/errors.js';
import { addMinutes, kstTime } from '../../src/time/kst.js';

let db: TestDb;
const T0 = kstTime(2026, 11, 24, 9, 0);
const bar = (m: number, close: number) => ({
  symbol: '005930',
  time: addMinutes(T0, m),
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
});

/** A probe strategy: records what it saw and emits one signal per batch. */
function probe(overrides: Partial<Strategy> = {}): Strategy & { seen: StrategyInput[] } {
  const seen: StrategyInput[] = [];
  return {
    name: 'probe',
    lookback: 3,
    instruments: () => ['005930', '000660'],
    sessions: () => [{ product: 'stocks' }],
    onBatch(input) {
      seen.push(input);
      const c = input.batch.get('005930');
      return c
        ? [
            {
              time: input.time,
              symbol: '005930',
              kind: 'monitor',
              value: c.close,
              payload: { n: input.history('005930', 3).length },
            },
          ]
        : [];
    },
    ...overrides,
    seen,
  };
}

beforeAll(async () => {
  db = await createTestDb();
  await writeCandles(db.pool, 'stocks_1m', [bar(0, 100), bar(1, 101), bar(2, 102), bar(3, 103), bar(5, 105)]);
});
afterAll(async () => db?.drop());

describe('runStrategyBatch', () => {
  it("gives the strategy this minute's candles, a bounded history and the missing instruments", async () => {
    const s = probe();
    const r = await runStrategyBatch(db.pool, s, addMinutes(T0, 3), { missing: ['069500'] });
    const input = s.seen[0]!;
    expect(r.tradingDate).toBe('2026-11-24');
    expect([...input.batch.keys()]).toEqual(['005930']);
    expect(input.missing).toEqual(['000660', '069500']);
    expect(input.history('005930', 3).map((c) => c.close)).toEqual([101, 102, 103]);
    expect(input.history('000660', 2)).toEqual([]);
    expect(() => input.history('005930', 4)).toThrow(StrategyError);
    expect(() => input.history('035720', 1)).toThrow(/did not list/);
    expect(r.signals).toEqual([
      {
        strategy: 'probe',
        time: addMinutes(T0, 3),
        symbol: '005930',
        kind: 'monitor',
        value: 103,
        payload: { n: 3 },
      },
    ]);
    expect(r.stored).toMatchObject({ inserted: 1 });
  });

  it('reports a minute without a candle as missing and stores nothing for it', async () => {
    const s = probe();
    const r = await runStrategyBatch(db.pool, s, addMinutes(T0, 4));
    expect(r.missing).toEqual(['000660', '005930']);
    expect(r.signals).toEqual([]);
    // History still reaches back over the gap.
    expect(s.seen[0]!.history('005930', 2).map((c) => c.close)).toEqual([102, 103]);
  });

  it('rejects malformed signals and non-minute batch times before writing anything', async () => {
    const bad = probe({
      onBatch: (i) => [{ time: addMinutes(i.time, 1), symbol: '005930', kind: 'monitor', value: 1 }],
    });
    await expect(runStrategyBatch(db.pool, bad, addMinutes(T0, 5))).rejects.toThrow(/not the batch minute/);
    const nan = probe({
      onBatch: (i) => [{ time: i.time, symbol: '005930', kind: 'monitor', value: Number.NaN }],
    });
    await expect(runStrategyBatch(db.pool, nan, addMinutes(T0, 5))).rejects.toThrow(/finite/);
    await expect(runStrategyBatch(db.pool, probe(), (addMinutes(T0, 5) + 1_000) as never)).rejects.toThrow(
      /start of a minute/,
    );
    const r = await db.pool.query(
      `SELECT count(*)::int AS n FROM signals WHERE "timestamp" = '2026-11-24 09:05:00'`,
    );
    expect(r.rows[0].n).toBe(0);
  });

  it('serves the newest option matrix at or before the batch minute', async () => {
    const row = (m: number, v: number) => ({
      time: addMinutes(T0, m),
      underlyingSymbol: 'KOSPI200:20261210',
      metric: 'iv' as const,
      atmStrike: 400,
      strikeStep: 2.5,
      calls: [v, v, v],
      puts: [v, v, v],
    });
    await writeOptionMatrices(db.pool, '101', [row(1, 20), row(3, 21), row(9, 99)], { strikesPerSide: 1 });
    const s = probe({ matrices: () => [{ product: '101', underlyingSymbol: 'KOSPI200:20261210' }] });
    await runStrategyBatch(db.pool, s, addMinutes(T0, 5), { write: false });
    expect(s.seen[0]!.matrix('KOSPI200:20261210', 'iv')).toMatchObject({
      time: addMinutes(T0, 3),
      atmStrike: 400,
      calls: [21, 21, 21],
    });
    expect(s.seen[0]!.matrix('KOSPI200:20261210', 'delta')).toBeUndefined();
  });
});

describe('strategy registry', () => {
  it('ships vwap-atr and names the known strategies when asked for an unknown one', () => {
    expect(strategies.get('vwap-atr')?.name).toBe('vwap-atr');
    expect(() => getStrategy('nope')).toThrow(UserError);
    expect(() => getStrategy('nope')).toThrow(/known: .*vwap-atr/);
  });
  it('registers plugins and refuses a different strategy under a taken name', () => {
    const p = probe({ name: 'probe-reg' });
    registerStrategy(p);
    expect(getStrategy('probe-reg')).toBe(p);
    expect(() => registerStrategy(probe({ name: 'probe-reg' }))).toThrow(/already registered/);
    expect(() => registerStrategy(probe({ name: 'bad name!' }))).toThrow(StrategyError);
  });
});
