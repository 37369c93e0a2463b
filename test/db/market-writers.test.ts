import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeOptionChain, writeQuotes, writeTicks } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import {
  setSystemStatus,
  upsertInstruments,
  writeDataQuality,
  writeSignals,
} from '../../src/db/writer-ops.js';
import { dropDayPartitionsBefore } from '../../src/db/dynamic-tables.js';
import { StorageInputError } from '../../src/db/errors.js';
import { addMinutes, formatKst, type KstDate, type KstTime } from '../../src/time/kst.js';
import type { OptionChainRow, Quote } from '../../src/db/types.js';
import { matrixRow, T0, tick } from './fixtures.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const partitionsOf = async (parent: string) =>
  (
    await db.pool.query<{ name: string }>(
      'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1',
      [parent],
    )
  ).rows.map((r) => r.name);

describe('ticks and quotes (day partitions)', () => {
  it('inserts ticks into per-day partitions and never changes a stored trade', async () => {
    const day1 = Array.from({ length: 50 }, (_, i) => tick(i));
    const day2 = Array.from({ length: 20 }, (_, i) => ({
      ...tick(i),
      time: (tick(i).time + 86_400_000) as KstTime,
      tradingDate: '2026-11-25' as KstDate,
    }));
    expect(await writeTicks(db.pool, [...day1, ...day2])).toEqual({
      inserted: 70,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      duplicates: 0,
    });
    expect(await partitionsOf('ticks')).toEqual(['ticks_20261124', 'ticks_20261125']);
    const altered = day1.map((t) => ({ ...t, price: t.price + 1 }));
    expect(await writeTicks(db.pool, altered)).toMatchObject({ inserted: 0, updated: 0, unchanged: 50 });
    const r = await db.pool.query<{ price: number }>(
      "SELECT price FROM ticks WHERE trading_date = '2026-11-24' ORDER BY cum_volume",
    );
    expect(r.rows.map((x) => x.price)).toEqual(day1.map((t) => t.price));
  });

  it('rejects ticks with a trading date before their own date or a bad side', async () => {
    const res = await writeTicks(db.pool, [
      { ...tick(100), tradingDate: '2026-11-23' as KstDate },
      { ...tick(101), side: 'up' as never },
      { ...tick(102), cumVolume: Number.NaN },
    ]);
    expect(res).toMatchObject({ inserted: 0, rejected: 3 });
    const reasons = (
      await db.pool.query<{ reason: string }>(
        "SELECT reason FROM rejected_rows WHERE table_name = 'ticks' ORDER BY id",
      )
    ).rows.map((r) => r.reason);
    expect(reasons).toEqual([
      expect.stringMatching(/tradingDate 2026-11-23/),
      expect.stringMatching(/side "up"/),
      expect.stringMatching(/cumVolume NaN/),
    ]);
  });

  it('drops or detaches old day partitions, and a later write for that day recreates it', async () => {
    await writeTicks(db.pool, [
      { ...tick(0), time: (T0 - 2 * 86_400_000) as KstTime, tradingDate: '2026-11-22' as KstDate },
    ]);
    expect(
      await dropDayPartitionsBefore(db.pool, 'ticks', '2026-11-24' as KstDate, { detach: true }),
    ).toEqual(['ticks_20261122']);
    expect(await partitionsOf('ticks')).toEqual(['ticks_20261124', 'ticks_20261125']);
    // Detached, not dropped: the data is still there as a plain table.
    expect((await db.pool.query('SELECT count(*)::int AS n FROM ticks_20261122')).rows[0].n).toBe(1);
    expect(await dropDayPartitionsBefore(db.pool, 'ticks', '2026-11-25' as KstDate)).toEqual([
      'ticks_20261124',
    ]);
    expect(await partitionsOf('ticks')).toEqual(['ticks_20261125']);
    expect(await writeTicks(db.pool, [tick(0)])).toMatchObject({ inserted: 1 });
    expect(await partitionsOf('ticks')).toEqual(['ticks_20261124', 'ticks_20261125']);
  });

  it('upserts quotes with the latest snapshot per timestamp winning', async () => {
    const q = (sizes: number[]): Quote => ({
      symbol: 'A01612',
      time: (T0 + 500) as KstTime,
      tradingDate: '2026-11-24' as KstDate,
      askPrices: [350.05, 350.1],
      askSizes: sizes,
      bidPrices: [350, 349.95],
      bidSizes: [7, 8],
      totalAskSize: 30,
      totalBidSize: null,
    });
    expect(await writeQuotes(db.pool, [q([1, 2]), q([3, 4])])).toMatchObject({ inserted: 1, duplicates: 1 });
    expect(await writeQuotes(db.pool, [q([5, 6])])).toMatchObject({ inserted: 0, updated: 1 });
    const r = await db.pool.query(
      'SELECT "timestamp"::text AS ts, ask_prices, ask_sizes::text AS sizes, total_bid_size FROM quotes',
    );
    expect(r.rows).toEqual([
      { ts: '2026-11-24 09:00:00.5', ask_prices: [350.05, 350.1], sizes: '{5,6}', total_bid_size: null },
    ]);
    expect(await writeQuotes(db.pool, [{ ...q([1]), askPrices: [1, 2] }])).toMatchObject({ rejected: 1 });
  });
});

describe('option chain and matrices', () => {
  it('upserts every strike of a board snapshot', async () => {
    const row = (code: string, strike: number, right: 'call' | 'put', iv: number): OptionChainRow => ({
      time: T0,
      code,
      underlyingSymbol: 'KOSPI200:20261210',
      expiry: '2026-12-10' as KstDate,
      strike,
      right,
      price: 3.5,
      bid: 3.45,
      ask: 3.55,
      volume: 1200,
      openInterest: 5400,
      iv,
      delta: right === 'call' ? 0.5 : -0.5,
      gamma: 0.01,
      theta: -0.2,
      vega: 0.4,
      underlyingPrice: 350.12,
    });
    const rows = [row('B01612A48', 350, 'call', 0.18), row('C01612A48', 350, 'put', 0.19)];
    expect(await writeOptionChain(db.pool, rows)).toMatchObject({ inserted: 2 });
    expect(
      await writeOptionChain(db.pool, [
        { ...rows[0]!, iv: 0.2 },
        { ...rows[1]!, strike: -1 },
      ]),
    ).toMatchObject({ updated: 1, rejected: 1 });
    const r = await db.pool.query(
      'SELECT code, option_right, iv, delta, expiry FROM option_chain_raw ORDER BY code',
    );
    expect(r.rows).toEqual([
      { code: 'B01612A48', option_right: 'C', iv: 0.2, delta: 0.5, expiry: '2026-12-10' },
      { code: 'C01612A48', option_right: 'P', iv: 0.19, delta: -0.5, expiry: '2026-12-10' },
    ]);
  });

  it('creates the matrix table with N strikes per side and lays the arrays out ITM(N)…ATM…OTM(N)', async () => {
    const rows = [matrixRow(3, 'iv'), matrixRow(3, 'delta')];
    expect(await writeOptionMatrices(db.pool, 'k3', rows, { strikesPerSide: 3 })).toMatchObject({
      inserted: 2,
    });
    const r = await db.pool.query('SELECT * FROM option_matrices_k3 WHERE metric_type = $1', ['iv']);
    const stored = r.rows[0] as Record<string, unknown>;
    expect([stored.call_itm3, stored.call_itm1, stored.call_atm, stored.call_otm3]).toEqual([
      null,
      rows[0]!.calls[2],
      rows[0]!.calls[3],
      rows[0]!.calls[6],
    ]);
    expect([stored.put_itm3, stored.put_atm, stored.put_otm3]).toEqual([
      rows[0]!.puts[0],
      rows[0]!.puts[3],
      null,
    ]);
    expect(r.fields.filter((f) => /^(call|put)_/.test(f.name))).toHaveLength(14);
  });

  it('refuses rows or settings whose N differs from the table and writes nothing', async () => {
    await expect(
      writeOptionMatrices(db.pool, 'k3', [matrixRow(4, 'iv')], { strikesPerSide: 4 }),
    ).rejects.toThrow(/option_matrices_k3 was created with 3 strikes per side but rows with 4/);
    await expect(
      writeOptionMatrices(db.pool, 'k3', [matrixRow(3, 'gamma'), matrixRow(4, 'vega')], {
        strikesPerSide: 3,
      }),
    ).rejects.toThrow(StorageInputError);
    const r = await db.pool.query(
      "SELECT count(*)::int AS n FROM option_matrices_k3 WHERE metric_type IN ('gamma', 'vega')",
    );
    expect(r.rows[0].n).toBe(0);
  });
});

describe('signals, instruments, data quality, system status', () => {
  it('round-trips each kind and replaces on rerun', async () => {
    const sig = {
      strategy: 'vwap-atr',
      time: T0,
      symbol: 'A01612',
      kind: 'entry',
      value: 1.5,
      payload: { side: 'long', atr: 0.8 },
    };
    expect(await writeSignals(db.pool, [sig])).toMatchObject({ inserted: 1 });
    expect(await writeSignals(db.pool, [{ ...sig, value: 2 }])).toMatchObject({ updated: 1 });
    expect((await db.pool.query('SELECT value, payload FROM signals')).rows).toEqual([
      { value: 2, payload: { side: 'long', atr: 0.8 } },
    ]);

    const inst = {
      code: 'B01612A48',
      kind: 'call' as const,
      family: 'kospi200' as const,
      name: 'C 202612 350.0',
      underlying: 'KOSPI200',
      expiry: '2026-12-10' as KstDate,
      strike: 350,
      multiplier: 250_000,
      series: 'monthly' as const,
      tickSize: 0.01,
    };
    expect(await upsertInstruments(db.pool, [inst])).toMatchObject({ inserted: 1 });
    expect(await upsertInstruments(db.pool, [inst])).toMatchObject({ unchanged: 1 });
    expect(
      (
        await db.pool.query(
          'SELECT option_right, strike, expiry, listed, expired, tick_size FROM instruments',
        )
      ).rows,
    ).toEqual([
      { option_right: 'C', strike: 350, expiry: '2026-12-10', listed: true, expired: false, tick_size: 0.01 },
    ]);

    const missing = [addMinutes(T0, 3), addMinutes(T0, 17)];
    await writeDataQuality(db.pool, [
      {
        instrument: 'A01612',
        tradingDate: '2026-11-24' as KstDate,
        expected: 405,
        actual: 403,
        missingMinutes: missing,
      },
    ]);
    const dq = await db.pool.query(
      'SELECT expected, actual, missing_minutes::text[] AS missing, checked_at IS NOT NULL AS checked FROM data_quality',
    );
    expect(dq.rows).toEqual([{ expected: 405, actual: 403, missing: missing.map(formatKst), checked: true }]);

    await setSystemStatus(db.pool, {
      component: 'collector',
      status: 'ok',
      dataCount: 12,
      lastDataTime: T0,
      updatedAt: addMinutes(T0, 1),
    });
    await setSystemStatus(db.pool, {
      component: 'collector',
      status: 'degraded',
      message: 'WebSocket reconnecting',
      updatedAt: addMinutes(T0, 2),
    });
    const st = await db.pool.query(
      'SELECT status, message, data_count, last_data_time, updated_at FROM system_status',
    );
    expect(st.rows).toEqual([
      {
        status: 'degraded',
        message: 'WebSocket reconnecting',
        data_count: 12,
        last_data_time: T0,
        updated_at: addMinutes(T0, 2),
      },
    ]);
    await expect(setSystemStatus(db.pool, { component: 'x', status: 'ok', dataCount: -1 })).rejects.toThrow(
      /dataCount -1 is negative/,
    );
  });
});
