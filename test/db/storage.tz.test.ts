/** Runs under TZ=UTC, Asia/Seoul and America/New_York: what is stored must not depend on the process zone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles, writeTicks } from '../../src/db/writer.js';
import { setSystemStatus, writeDataQuality } from '../../src/db/writer-ops.js';
import { readCandles, readDataQuality } from '../../src/db/readers.js';
import { kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

describe(`stored KST wall-clock under TZ=${process.env.TZ}`, () => {
  it('stores the same wall-clock text and reads back the same KstTime', async () => {
    const times = [
      kstTime(2026, 11, 24, 9, 0),
      kstTime(2026, 11, 24, 23, 59),
      kstTime(2026, 11, 25, 0, 0),
      kstTime(2026, 11, 25, 4, 45),
      kstTime(2027, 3, 14, 2, 30),
    ];
    const rows = times.map((time) => ({
      symbol: 'A01612',
      time,
      open: 350,
      high: 351,
      low: 349,
      close: 350.5,
      volume: 1,
      tradingDate: '2026-11-25' as KstDate,
    }));
    rows[0]!.tradingDate = '2026-11-24' as KstDate;
    rows[4]!.tradingDate = '2027-03-15' as KstDate;
    await writeCandles(db.pool, 'futures_101', rows);
    const text = await db.pool.query<{ ts: string; trading_date: string }>(
      'SELECT "timestamp"::text AS ts, trading_date::text FROM futures_101 ORDER BY 1',
    );
    expect(text.rows).toEqual([
      { ts: '2026-11-24 09:00:00', trading_date: '2026-11-24' },
      { ts: '2026-11-24 23:59:00', trading_date: '2026-11-25' },
      { ts: '2026-11-25 00:00:00', trading_date: '2026-11-25' },
      { ts: '2026-11-25 04:45:00', trading_date: '2026-11-25' },
      { ts: '2027-03-14 02:30:00', trading_date: '2027-03-15' },
    ]);
    const back = await readCandles(db.pool, {
      symbol: 'A01612',
      from: times[0]!,
      to: (times[4]! + 1) as KstTime,
    });
    expect(back.map((c) => c.time)).toEqual(times);
  });

  it('keeps milliseconds of ticks and the times inside arrays and status rows', async () => {
    const t = kstTime(2026, 11, 25, 1, 30, 5, 123);
    await writeTicks(db.pool, [
      {
        symbol: 'A01612',
        time: t,
        tradingDate: '2026-11-25' as KstDate,
        price: 350,
        volume: 1,
        cumVolume: 1,
      },
    ]);
    await writeDataQuality(db.pool, [
      {
        instrument: 'A01612',
        tradingDate: '2026-11-25' as KstDate,
        expected: 2,
        actual: 1,
        missingMinutes: [kstTime(2026, 11, 25, 0, 1)],
        checkedAt: kstTime(2026, 11, 25, 16, 0),
      },
    ]);
    await setSystemStatus(db.pool, {
      component: 'stream',
      status: 'ok',
      lastDataTime: t,
      updatedAt: kstTime(2026, 11, 25, 1, 30, 6),
    });
    const r = await db.pool.query(`SELECT
        (SELECT "timestamp"::text FROM ticks) AS tick,
        (SELECT missing_minutes::text FROM data_quality) AS missing,
        (SELECT checked_at::text FROM data_quality) AS checked,
        (SELECT last_data_time::text || ' / ' || updated_at::text FROM system_status) AS status`);
    expect(r.rows[0]).toEqual({
      tick: '2026-11-25 01:30:05.123',
      missing: '{"2026-11-25 00:01:00"}',
      checked: '2026-11-25 16:00:00',
      status: '2026-11-25 01:30:05.123 / 2026-11-25 01:30:06',
    });
    const ts = await db.pool.query<{ timestamp: KstTime }>('SELECT "timestamp" FROM ticks');
    expect(ts.rows[0]!.timestamp).toBe(t);
    expect(await readDataQuality(db.pool, { tradingDate: '2026-11-25' as KstDate })).toEqual([
      {
        instrument: 'A01612',
        tradingDate: '2026-11-25',
        expected: 2,
        actual: 1,
        missingMinutes: [kstTime(2026, 11, 25, 0, 1)],
        checkedAt: kstTime(2026, 11, 25, 16, 0),
      },
    ]);
  });
});
