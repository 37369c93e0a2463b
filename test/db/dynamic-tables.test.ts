import pg from 'pg';
import type { KstDate } from '../../src/time/kst.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { createPool } from '../../src/db/pool.js';
import { writeCandles, writeTicks } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import { candleTableFor, matrixTableFor } from '../../src/db/names.js';
import { candles, matrixRow, tick } from './fixtures.js';

let db: TestDb;
const extraPools: pg.Pool[] = [];
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await Promise.all(extraPools.map((p) => p.end()));
  await db?.drop();
});

/** Independent pools = independent processes as far as the server and our in-process caches are concerned. */
function pools(n: number): pg.Pool[] {
  const out = Array.from({ length: n }, () =>
    createPool(db.url, { max: 2, applicationName: 'krtrade-test-concurrent' }),
  );
  extraPools.push(...out);
  return out;
}

describe('tables created on first sight', () => {
  it('lets eight concurrent writers create the same new candle family once, losing no row', async () => {
    const writers = pools(8);
    // Overlapping batches: every writer writes 40 minutes, neighbours share 20 of them.
    const results = await Promise.all(
      writers.map((p, w) =>
        writeCandles(
          p,
          'futures_1a7',
          candles(40, 'CONC', undefined).map((c, i) => ({
            ...c,
            time: (c.time + w * 20 * 60_000) as typeof c.time,
            volume: i,
          })),
        ),
      ),
    );
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(7 * 20 + 40);
    const n = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM candles_1m WHERE family = 'futures_1a7'",
    );
    expect(n.rows[0]!.n).toBe(180);
    const reg = await db.pool.query(
      "SELECT name, kind, parent FROM dynamic_tables WHERE name = 'futures_1a7'",
    );
    expect(reg.rows).toEqual([{ name: 'futures_1a7', kind: 'candles', parent: 'candles_1m' }]);
  });

  it('creates different partitions of one parent concurrently without deadlocking', async () => {
    // Attaching two partitions of candles_1m (or two days of ticks) at once used to deadlock on the
    // parent's lock upgrade; creation now serialises on the parent.
    const writers = pools(8);
    const families = ['futures_2a1', 'futures_2a2', 'futures_2a3', 'futures_2a4'];
    const results = await Promise.all(
      writers.map((p, w) => writeCandles(p, families[w % families.length]!, candles(5, `DL${w}`, undefined))),
    );
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(40);
    const days = await Promise.all(
      writers.map((p, w) => writeTicks(p, [tick(w, 'A01612', `2026-12-0${(w % 4) + 1}` as KstDate)])),
    );
    expect(days.reduce((s, r) => s + r.inserted, 0)).toBe(8);
    const tickParts = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM dynamic_tables WHERE name LIKE 'ticks_2026120%'",
    );
    expect(tickParts.rows[0]!.n).toBe(4);
    const parts = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM dynamic_tables WHERE name LIKE 'futures_2a%'",
    );
    expect(parts.rows[0]!.n).toBe(4);
  });

  it('lets eight concurrent writers create the same matrix table and day partition', async () => {
    const writers = pools(8);
    const times = writers.map(
      (_, i) => (matrixRow(10, 'iv').time + i * 60_000) as ReturnType<typeof matrixRow>['time'],
    );
    const res = await Promise.all(
      writers.map((p, i) =>
        writeOptionMatrices(p, '1c1', [matrixRow(10, 'iv', times[i]), matrixRow(10, 'vega', times[i])]),
      ),
    );
    expect(res.map((r) => r.inserted)).toEqual(Array(8).fill(2));
    const ticks = await Promise.all(
      writers.map((p, i) =>
        writeTicks(p, [
          { ...tick(i), tradingDate: '2026-12-01' as never, time: (tick(i).time + 7 * 86_400_000) as never },
        ]),
      ),
    );
    expect(ticks.map((r) => r.inserted)).toEqual(Array(8).fill(1));
    const parts = await db.pool.query(
      "SELECT count(*)::int AS n FROM dynamic_tables WHERE name IN ('option_matrices_1c1', 'ticks_20261201')",
    );
    expect(parts.rows[0].n).toBe(2);
  });

  it('issues no DDL and no catalog query once a table is known', async () => {
    const pool = createPool(db.url, { max: 1 });
    extraPools.push(pool);
    const seen: string[] = [];
    // Record statements by wrapping the real method (no behaviour changed).
    const realQuery = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { text?: string };
      seen.push(typeof q === 'string' ? q : (q?.text ?? ''));
      return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof realQuery;
    try {
      await writeCandles(pool, 'futures_1b2', candles(5, 'HOT'));
      const firstCall = seen.splice(0);
      expect(firstCall.some((q) => /CREATE TABLE IF NOT EXISTS futures_1b2/.test(q))).toBe(true);
      await writeCandles(pool, 'futures_1b2', candles(6, 'HOT'));
      expect(seen.length).toBeGreaterThan(0);
      expect(
        seen.filter((q) => /CREATE|ALTER|pg_advisory|information_schema|pg_class|to_regclass/i.test(q)),
      ).toEqual([]);
    } finally {
      pg.Client.prototype.query = realQuery;
    }
  });

  it('recreates a table dropped behind the cache and retries the batch', async () => {
    await writeCandles(db.pool, 'futures_106', candles(3, 'GONE'));
    const other = pools(1)[0]!;
    await other.query('DROP TABLE futures_106');
    expect(await writeCandles(db.pool, 'futures_106', candles(4, 'GONE'))).toMatchObject({ inserted: 4 });
  });
});

describe('table names', () => {
  it('maps instruments to their candle tables', () => {
    expect(candleTableFor({ kind: 'future', family: 'kospi200' })).toBe('futures_101');
    expect(candleTableFor({ kind: 'future', family: 'mini' })).toBe('futures_105');
    expect(candleTableFor({ kind: 'future', family: 'kosdaq150' })).toBe('futures_106');
    expect(candleTableFor({ kind: 'stock', family: 'stock' })).toBe('stocks_1m');
    expect(candleTableFor({ kind: 'call', family: 'kospi200' })).toBe('options_1m');
    expect(() => candleTableFor({ kind: 'future', family: 'stock' })).toThrow(/no candle table/);
  });

  it('refuses product codes that could carry SQL', () => {
    expect(matrixTableFor('101')).toBe('option_matrices_101');
    for (const bad of ['101;drop table x', '', 'A01', '1'.repeat(13), '10 1'])
      expect(() => matrixTableFor(bad)).toThrow(/must be 1–12 lowercase/);
  });
});
