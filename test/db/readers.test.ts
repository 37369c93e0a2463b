import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles, writeTicks } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import {
  latestCandles,
  latestDataTimes,
  latestMatrices,
  minutesPresent,
  readCandles,
} from '../../src/db/readers.js';
import { addMinutes, kstTime, type KstDate } from '../../src/time/kst.js';
import type { Candle } from '../../src/db/types.js';
import { candle, candles, matrixRow, T0, tick } from './fixtures.js';

let db: TestDb;
const day = candles(60, 'A01612');
// A night session belonging to trading date 2026-11-25: 18:00 on the 24th through 04:59 on the 25th.
const nightStart = kstTime(2026, 11, 24, 18, 0);
const night: Candle[] = Array.from({ length: 11 * 60 }, (_, i) => ({
  ...candle(i, 'A01612', nightStart),
  tradingDate: '2026-11-25' as KstDate,
}));
const nextDay: Candle[] = candles(30, 'A01612', kstTime(2026, 11, 25, 9, 0)).map((c) => ({
  ...c,
  tradingDate: '2026-11-25' as KstDate,
}));

beforeAll(async () => {
  db = await createTestDb();
  await writeCandles(db.pool, 'futures_101', [...day, ...night, ...nextDay]);
  await writeCandles(db.pool, 'futures_105', candles(10, 'A05612'));
  await writeCandles(db.pool, 'stocks_1m', candles(10, '005930'));
});
afterAll(async () => {
  await db?.drop();
});

describe('candle readers', () => {
  it('reads a symbol over [from, to), oldest first, with its trading date', async () => {
    const got = await readCandles(db.pool, {
      symbol: 'A01612',
      from: addMinutes(T0, 10),
      to: addMinutes(T0, 20),
    });
    expect(got).toEqual(day.slice(10, 20).map((c) => ({ ...c, tradingDate: '2026-11-24' })));
    const nightAfterMidnight = await readCandles(db.pool, {
      symbol: 'A01612',
      from: kstTime(2026, 11, 25, 0, 0),
      to: kstTime(2026, 11, 25, 0, 3),
      family: 'futures_101',
    });
    expect(nightAfterMidnight.map((c) => c.tradingDate)).toEqual(['2026-11-25', '2026-11-25', '2026-11-25']);
    expect(
      await readCandles(db.pool, {
        symbol: 'A01612',
        from: T0,
        to: addMinutes(T0, 5),
        family: 'futures_105',
      }),
    ).toEqual([]);
  });

  it('returns the latest N candles strictly before a time, oldest first', async () => {
    const got = await latestCandles(db.pool, { symbol: 'A01612', before: addMinutes(T0, 30), limit: 5 });
    expect(got.map((c) => c.time)).toEqual(day.slice(25, 30).map((c) => c.time));
    const acrossSessions = await latestCandles(db.pool, {
      symbol: 'A01612',
      before: kstTime(2026, 11, 25, 9, 2),
      limit: 3,
    });
    expect(acrossSessions.map((c) => c.time)).toEqual([
      night.at(-1)!.time,
      nextDay[0]!.time,
      nextDay[1]!.time,
    ]);
  });

  it('lists the minutes present for a trading day, night candles before midnight included', async () => {
    const minutes = await minutesPresent(db.pool, { symbol: 'A01612', tradingDate: '2026-11-25' as KstDate });
    expect(minutes).toEqual([...night, ...nextDay].map((c) => c.time));
    expect(await minutesPresent(db.pool, { symbol: 'A01612', tradingDate: '2026-11-24' as KstDate })).toEqual(
      day.map((c) => c.time),
    );
    expect(
      await minutesPresent(db.pool, {
        symbol: 'A01612',
        tradingDate: '2026-11-24' as KstDate,
        family: 'stocks_1m',
      }),
    ).toEqual([]);
  });

  it('knows the latest data time per source and instrument without scanning', async () => {
    await writeTicks(db.pool, [tick(0), tick(9)]);
    // An older batch written later must not move the latest time back.
    await writeCandles(db.pool, 'futures_101', candles(3, 'A01612'));
    const latest = await latestDataTimes(db.pool);
    expect(latest).toEqual([
      { source: 'futures_101', symbol: 'A01612', lastTime: nextDay.at(-1)!.time },
      { source: 'futures_105', symbol: 'A05612', lastTime: addMinutes(T0, 9) },
      { source: 'stocks_1m', symbol: '005930', lastTime: addMinutes(T0, 9) },
      { source: 'ticks', symbol: 'A01612', lastTime: tick(9).time },
    ]);
    expect(await latestDataTimes(db.pool, { source: 'ticks' })).toHaveLength(1);
  });
});

describe('matrix reader', () => {
  it('round-trips matrices and returns the newest per metric at or before a time', async () => {
    const t1 = T0;
    const t2 = addMinutes(T0, 1);
    const ivOld = matrixRow(10, 'iv', t1);
    const ivNew = {
      ...matrixRow(10, 'iv', t2),
      atmStrike: 352.5,
      calls: matrixRow(10, 'iv').calls.map((x) => (x === null ? null : x * 2)),
    };
    const delta = matrixRow(10, 'delta', t1);
    const weekly = matrixRow(10, 'iv', t2, 'KOSPI200:20261203');
    await writeOptionMatrices(db.pool, '101', [ivOld, delta, ivNew, weekly]);

    expect(await latestMatrices(db.pool, '101', 'KOSPI200:20261210')).toEqual({ iv: ivNew, delta });
    expect(await latestMatrices(db.pool, '101', 'KOSPI200:20261210', { at: t1 })).toEqual({
      iv: ivOld,
      delta,
    });
    expect(await latestMatrices(db.pool, '101', 'KOSPI200:20261203')).toEqual({ iv: weekly });
    expect(await latestMatrices(db.pool, '101', 'KOSPI200:20261210', { at: addMinutes(T0, -1) })).toEqual({});
    expect(await latestMatrices(db.pool, '999', 'KOSPI200:20261210')).toEqual({});
  });

  it('round-trips a table created with another N', async () => {
    const rows = [matrixRow(5, 'gamma'), matrixRow(5, 'open_interest')];
    await writeOptionMatrices(db.pool, '105', rows, { strikesPerSide: 5 });
    expect(await latestMatrices(db.pool, '105', 'KOSPI200:20261210')).toEqual({
      gamma: rows[0],
      open_interest: rows[1],
    });
  });
});
