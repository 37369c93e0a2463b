/**
 * The recorder against the real PostgreSQL: every record stored once in its day partition, quote seq
 * numbering, per-instrument progress, backpressure with a blocked database, retry after failures,
 * duplicates from overlapping holders, graceful and timed-out close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { StreamRecorder } from '../../src/stream/recorder.js';
import { RecorderClosedError, RecorderFlushTimeoutError, RecorderOverflowError } from '../../src/stream/recorder-errors.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { at, book, futuresTrade, stockTrade } from './recorder-fixtures.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db?.drop());

const count = async (pool: pg.Pool, sql: string): Promise<number> => Number((await pool.query(sql)).rows[0].n);
const until = async (cond: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 2000 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await cond()).toBe(true);
};

describe('StreamRecorder', () => {
  it('stores trades and quotes in their day partitions, numbers same-second quotes, records progress', async () => {
    const rec = new StreamRecorder({ pool: db.pool });
    rec.write(stockTrade('005930', at(9, 0, 1), 70000, 5, 5));
    rec.write(stockTrade('005930', at(9, 0, 1), 70100, 3, 8));
    rec.write(book('005930', at(9, 0, 1), 70100));
    rec.write(book('005930', at(9, 0, 1), 70200));
    rec.write(book('005930', at(9, 0, 2), 70300));
    // A night trade at 01:00 on the 25th belongs to trading day 2026-11-25 (dated by the ws client).
    rec.write(futuresTrade('A01612', at(1, 0, 0, 25), 400.5, 2, 100, '2026-11-25'));
    await rec.flush();
    const ticks = await db.pool.query(
      `SELECT "timestamp"::text AS t, symbol, price, volume, cum_volume, side, open_interest FROM ticks_20261124 ORDER BY cum_volume`,
    );
    expect(ticks.rows).toEqual([
      { t: '2026-11-24 09:00:01', symbol: '005930', price: 70000, volume: 5, cum_volume: 5, side: 'B', open_interest: null },
      { t: '2026-11-24 09:00:01', symbol: '005930', price: 70100, volume: 3, cum_volume: 8, side: 'B', open_interest: null },
    ]);
    const night = await db.pool.query(`SELECT "timestamp"::text AS t, open_interest FROM ticks_20261125`);
    expect(night.rows).toEqual([{ t: '2026-11-25 01:00:00', open_interest: 1100 }]);
    const quotes = await db.pool.query(`SELECT "timestamp"::text AS t, seq, ask_prices FROM quotes_20261124 ORDER BY 1, 2`);
    expect(quotes.rows.map((r) => [r.t, r.seq, r.ask_prices[0]])).toEqual([
      ['2026-11-24 09:00:01', 0, 70100],
      ['2026-11-24 09:00:01', 1, 70200],
      ['2026-11-24 09:00:02', 0, 70300],
    ]);
    const prog = await db.pool.query(
      `SELECT symbol, last_time::text AS t, last_quote_seq AS seq, records::int AS n FROM stream_progress ORDER BY 1`,
    );
    expect(prog.rows).toEqual([
      { symbol: '005930', t: '2026-11-24 09:00:02', seq: 0, n: 5 },
      { symbol: 'A01612', t: '2026-11-25 01:00:00', seq: null, n: 1 },
    ]);
    await rec.close();
    await rec.close(); // idempotent
    expect(() => rec.write(stockTrade('005930', at(9, 0, 3), 1, 1, 9))).toThrow(RecorderClosedError);

    // A restarted recorder continues the quote numbering of the second it last committed.
    const again = new StreamRecorder({ pool: db.pool });
    again.write(book('005930', at(9, 0, 2), 70400));
    await again.close();
    expect(await count(db.pool, `SELECT max(seq) AS n FROM quotes_20261124 WHERE "timestamp" = '2026-11-24 09:00:02'`)).toBe(1);
  });

  it('applies backpressure while the database is blocked, never drops, and commits everything after', async () => {
    const rec = new StreamRecorder({ pool: db.pool, highWater: 200, hardCap: 400, maxBatch: 50 });
    const blocker = await db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE stream_progress IN ACCESS EXCLUSIVE MODE');
    let cum = 0;
    const next = () => stockTrade('000660', at(10, 0, Math.floor(cum / 100) % 60), 100 + (cum % 7), 1, ++cum);
    let room = true;
    while (room) room = rec.write(next());
    expect(rec.buffered).toBe(200);
    let drained = false;
    const waiting = rec.drained().then(() => (drained = true));
    while (rec.buffered < 400) rec.write(next());
    expect(() => rec.write(next())).toThrow(RecorderOverflowError);
    await new Promise((r) => setTimeout(r, 100));
    expect(drained).toBe(false);
    await blocker.query('COMMIT');
    blocker.release();
    await waiting;
    await rec.close();
    expect(await count(db.pool, `SELECT count(*) AS n FROM ticks WHERE symbol = '000660'`)).toBe(400);
    expect(rec.counters.committed).toBe(400);
  });

  it('retries a failed commit with the same records until it succeeds', async () => {
    await db.pool.query('ALTER TABLE stream_progress RENAME TO stream_progress_away');
    const rec = new StreamRecorder({ pool: db.pool, retryMinMs: 10, retryMaxMs: 50 });
    for (let i = 1; i <= 30; i++) rec.write(stockTrade('035420', at(11, 0, i), 200, 1, i));
    await until(() => rec.counters.retries >= 2);
    await db.pool.query('ALTER TABLE stream_progress_away RENAME TO stream_progress');
    await rec.flush();
    await rec.close();
    expect(await count(db.pool, `SELECT count(*) AS n FROM ticks WHERE symbol = '035420'`)).toBe(30);
  });

  it('stores records written twice (overlapping holders) once', async () => {
    const a = new StreamRecorder({ pool: db.pool });
    const b = new StreamRecorder({ pool: db.pool });
    const rows = Array.from({ length: 20 }, (_, i) => stockTrade('051910', at(12, 0, i), 300, 2, 2 * (i + 1)));
    for (const r of rows.slice(0, 12)) a.write(r);
    await a.flush();
    for (const r of rows) b.write(r);
    await Promise.all([a.close(), b.close()]);
    expect(await count(db.pool, `SELECT count(*) AS n FROM ticks WHERE symbol = '051910'`)).toBe(20);
    expect(b.counters.duplicates).toBe(12);
  });

  it('keeps unstorable records in rejected_rows with the reason', async () => {
    const rec = new StreamRecorder({ pool: db.pool });
    rec.write(stockTrade('068270', at(13, 0, 0), Number.NaN, 1, 1));
    rec.write(stockTrade('068270', at(13, 0, 1), 150, 1, 2));
    await rec.close();
    expect(rec.counters.rejected).toBe(1);
    const r = await db.pool.query(`SELECT table_name, reason FROM rejected_rows WHERE "row"->>'code' = '068270'`);
    expect(r.rows).toEqual([{ table_name: 'ticks', reason: 'price NaN is not a finite number' }]);
    expect(await count(db.pool, `SELECT count(*) AS n FROM ticks WHERE symbol = '068270'`)).toBe(1);
  });

  it('says what was not committed when close() runs out of time', async () => {
    const rec = new StreamRecorder({ pool: db.pool, closeTimeoutMs: 300 });
    await rec.flush();
    const blocker = await db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE stream_progress IN ACCESS EXCLUSIVE MODE');
    rec.write(stockTrade('207940', at(14, 0, 5), 800, 1, 1));
    rec.write(stockTrade('207940', at(14, 0, 6), 801, 1, 2));
    const err = await rec.close().catch((e: unknown) => e);
    await blocker.query('ROLLBACK');
    blocker.release();
    expect(err).toBeInstanceOf(RecorderFlushTimeoutError);
    expect((err as RecorderFlushTimeoutError).uncommitted).toBe(2);
    expect([...(err as RecorderFlushTimeoutError).lostFrom]).toEqual([['207940', '2026-11-24 14:00:05']]);
  });
});
