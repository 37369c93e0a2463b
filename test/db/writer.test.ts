import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import { StorageWriteError } from '../../src/db/errors.js';
import { addMinutes, formatKst, kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';
import type { Candle } from '../../src/db/types.js';
import { candle, candles, T0 } from './fixtures.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

/** The whole stored state of one symbol, with each row's tuple version (xmin). */
async function snapshot(table: string, symbol: string) {
  const r = await db.pool.query(
    `SELECT xmin::text AS version, "timestamp"::text AS ts, trading_date, open, high, low, close, volume, open_interest
       FROM ${table} WHERE symbol = $1 ORDER BY "timestamp"`,
    [symbol],
  );
  return r.rows;
}

const rejectedFor = async (table: string) =>
  (
    await db.pool.query<{ reason: string; row: Record<string, unknown> }>(
      'SELECT reason, "row" FROM rejected_rows WHERE table_name = $1 ORDER BY id',
      [table],
    )
  ).rows;

describe('writeCandles', () => {
  it('is idempotent: the same batch twice inserts nothing and rewrites no tuple the second time', async () => {
    const rows = candles(30, 'IDEM1');
    const first = await writeCandles(db.pool, 'futures_101', rows);
    expect(first).toEqual({ inserted: 30, updated: 0, unchanged: 0, rejected: 0, duplicates: 0 });
    const before = await snapshot('futures_101', 'IDEM1');
    const second = await writeCandles(db.pool, 'futures_101', rows);
    expect(second).toEqual({ inserted: 0, updated: 0, unchanged: 30, rejected: 0, duplicates: 0 });
    expect(await snapshot('futures_101', 'IDEM1')).toEqual(before);
    expect(before.map((r) => r.ts)).toEqual(rows.map((c) => formatKst(c.time)));
  });

  it('updates changed rows only and tells inserts from updates', async () => {
    const rows = candles(10, 'UPD1');
    await writeCandles(db.pool, 'futures_101', rows);
    const changed = rows.map((c, i) => (i < 3 ? { ...c, close: c.low, volume: c.volume + 1 } : c));
    const more = [...changed, candle(10, 'UPD1'), candle(11, 'UPD1')];
    expect(await writeCandles(db.pool, 'futures_101', more)).toEqual({
      inserted: 2,
      updated: 3,
      unchanged: 7,
      rejected: 0,
      duplicates: 0,
    });
    const stored = await snapshot('futures_101', 'UPD1');
    expect(stored).toHaveLength(12);
    expect(stored.slice(0, 3).map((r) => [r.close, r.volume])).toEqual(
      changed.slice(0, 3).map((c) => [c.low, c.volume]),
    );
  });

  it('resolves duplicate keys inside one batch deterministically: the last row wins', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ minute: fc.integer({ min: 0, max: 5 }), vol: fc.integer({ min: 0, max: 1e9 }) }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.integer({ min: 0, max: 1e6 }),
        async (spec, salt) => {
          const symbol = `DUP${salt}`;
          const batch = spec.map((s) => candle(s.minute, symbol, T0, { volume: s.vol }));
          const expected = new Map<number, number>();
          for (const c of batch) expected.set(c.time, c.volume);
          const res = await writeCandles(db.pool, 'futures_105', batch);
          expect(res.duplicates).toBe(batch.length - expected.size);
          const stored = await db.pool.query<{ timestamp: KstTime; volume: number }>(
            'SELECT "timestamp", volume FROM futures_105 WHERE symbol = $1',
            [symbol],
          );
          expect(new Map(stored.rows.map((r) => [r.timestamp, r.volume]))).toEqual(expected);
          await db.pool.query('DELETE FROM futures_105 WHERE symbol = $1', [symbol]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('writes the good rows and records each bad one in rejected_rows with its reason, once', async () => {
    const sym = 'BAD1';
    const bad: [Candle, RegExp][] = [
      [candle(1, sym, T0, { close: Number.NaN }), /close NaN is not a finite number/],
      [candle(2, sym, T0, { high: Number.POSITIVE_INFINITY }), /high Infinity/],
      [candle(3, sym, T0, { volume: -5 }), /volume -5 is negative/],
      [candle(4, sym, T0, { low: -1, open: -1 }), /open -1 is negative/],
      [candle(5, sym, T0, { high: 300, low: 301, open: 300, close: 300 }), /high 300 < low 301/],
      [candle(6, sym, T0, { open: 999 }), /open 999 outside \[low/],
      [candle(7, sym, T0, { close: 1 }), /close 1 outside \[low/],
      [{ ...candle(8, sym), time: (T0 + 8 * 60_000 + 30_000) as KstTime }, /not a whole minute/],
      [{ ...candle(9, sym), time: kstTime(1970, 1, 1, 9) }, /outside the plausible range/],
      [candle(10, "X'; DROP TABLE futures_101;--"), /symbol .* is not a valid code/],
      [candle(11, sym, T0, { tradingDate: '2026-11-20' as KstDate }), /tradingDate 2026-11-20 is not within/],
      [candle(12, sym, T0, { volume: 1.5 }), /volume 1.5 is not a whole number/],
      // Time policy: a JS Date or an ISO string with an offset is not a KST wall-clock value.
      [
        { ...candle(13, sym), time: new Date(T0) as unknown as KstTime },
        /time .* is not a whole-millisecond KstTime/,
      ],
      [
        { ...candle(14, sym), time: '2026-11-24T09:14:00+09:00' as unknown as KstTime },
        /is not a whole-millisecond KstTime/,
      ],
    ];
    const good = [candle(0, sym), candle(20, sym), candle(21, sym)];
    const batch = [good[0]!, ...bad.map((b) => b[0]), good[1]!, good[2]!];
    const res = await writeCandles(db.pool, 'futures_106', batch);
    expect(res).toMatchObject({ inserted: 3, rejected: bad.length });
    expect((await snapshot('futures_106', sym)).map((r) => r.ts)).toEqual(good.map((c) => formatKst(c.time)));
    const rejected = await rejectedFor('futures_106');
    expect(rejected).toHaveLength(bad.length);
    bad.forEach(([, reason], i) => expect(rejected[i]!.reason).toMatch(reason));
    expect(rejected[0]!.row).toMatchObject({ symbol: sym, close: 'NaN', time: formatKst(addMinutes(T0, 1)) });
    // The same batch again: nothing new anywhere.
    expect(await writeCandles(db.pool, 'futures_106', batch)).toMatchObject({
      inserted: 0,
      unchanged: 3,
      rejected: bad.length,
    });
    expect(await rejectedFor('futures_106')).toHaveLength(bad.length);
    expect((await db.pool.query("SELECT to_regclass('futures_101') IS NOT NULL AS ok")).rows[0].ok).toBe(
      true,
    );
  });

  it('leaves nothing of a batch that fails half-way in the database', async () => {
    const sym = 'ROLL1';
    await writeCandles(db.pool, 'stocks_1m', candles(10, sym));
    const before = await snapshot('stocks_1m', sym);
    const latestBefore = (await db.pool.query('SELECT * FROM data_latest ORDER BY source, symbol')).rows;
    // A real server-side failure in the middle of the INSERT: rows sorted before 'ZBOOM' are already in.
    await db.pool.query(`CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.symbol = 'ZBOOM' THEN RAISE EXCEPTION 'forced failure for %', NEW.symbol; END IF; RETURN NEW; END $$`);
    await db.pool.query(
      'CREATE TRIGGER boom BEFORE INSERT ON stocks_1m FOR EACH ROW EXECUTE FUNCTION boom()',
    );
    const batch = [
      ...candles(10, sym).map((c) => ({ ...c, volume: c.volume + 1000 })),
      ...Array.from({ length: 10 }, (_, i) => candle(10 + i, sym)),
      candle(0, 'ZBOOM'),
      candle(1, 'ZZZ'),
      candle(2, sym, T0, { high: Number.NaN }),
    ];
    const err = await writeCandles(db.pool, 'stocks_1m', batch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageWriteError);
    expect((err as Error).message).toMatch(/rolled back.*forced failure for ZBOOM/);
    expect(await snapshot('stocks_1m', sym)).toEqual(before);
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM stocks_1m WHERE symbol IN ('ZBOOM','ZZZ')"))
        .rows[0].n,
    ).toBe(0);
    expect(await rejectedFor('stocks_1m')).toEqual([]);
    expect((await db.pool.query('SELECT * FROM data_latest ORDER BY source, symbol')).rows).toEqual(
      latestBefore,
    );

    await db.pool.query('DROP TRIGGER boom ON stocks_1m');
    expect(await writeCandles(db.pool, 'stocks_1m', batch)).toMatchObject({
      inserted: 12,
      updated: 10,
      rejected: 1,
    });
  });

  it('writes a 100k-row batch in one call', async () => {
    const rows: Candle[] = [];
    for (let s = 0; s < 100; s++) for (let m = 0; m < 1000; m++) rows.push(candle(m, `BIG${s}`));
    const res = await writeCandles(db.pool, 'options_1m', rows);
    expect(res).toEqual({ inserted: 100_000, updated: 0, unchanged: 0, rejected: 0, duplicates: 0 });
    const r = await db.pool.query<{ n: number; symbols: number; last: string }>(
      `SELECT count(*)::int AS n, count(DISTINCT symbol)::int AS symbols, max("timestamp")::text AS last FROM options_1m`,
    );
    expect(r.rows[0]).toEqual({ n: 100_000, symbols: 100, last: formatKst(addMinutes(T0, 999)) });
  });

  it('refuses table names outside the strict pattern before touching the database', async () => {
    for (const name of [
      'futures_101; DROP TABLE instruments',
      'Futures_101',
      'candles_1m',
      'futures_10',
      'pg_class',
    ]) {
      await expect(writeCandles(db.pool, name, [candle(0)])).rejects.toThrow(/not a valid family table/);
    }
  });
});
