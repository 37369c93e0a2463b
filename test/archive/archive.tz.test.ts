/**
 * Archiving realtime days to Parquet: one file per day and table, every row equal to what was stored
 * (timestamps as KST wall-clock, not shifted by the process zone), partitions dropped only after the
 * file checks out, and nothing lost when writing fails.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { writeQuotes, writeTicks } from '../../src/db/writer.js';
import type { Quote, Tick } from '../../src/db/types.js';
import { archiveDays } from '../../src/archive/day-partitions.js';
import { kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';

const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'] as KstDate[];

function ticksOf(d: KstDate, n: number): Tick[] {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return Array.from({ length: n }, (_, i) => ({
    symbol: i % 2 ? 'A01612' : '005930', time: (kstTime(y, m, day, 9, 0) + i * 1_500 + 7) as KstTime, tradingDate: d,
    price: 400 + i * 0.05, volume: 1 + (i % 5), cumVolume: 100 + i, side: i % 3 ? 'buy' : null, openInterest: i % 2 ? 250_000 + i : null,
  }));
}
const quote = (d: KstDate): Quote => {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return { symbol: 'A01612', time: kstTime(y, m, day, 23, 59, 59), tradingDate: d, askPrices: [400.05, 400.1], askSizes: [3, 9], bidPrices: [400, 399.95], bidSizes: [5, 1], totalAskSize: 12, totalBidSize: null };
};

let db: TestDb;
let dir: string;
const exists = async (t: string) => (await db.pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [t])).rows[0]!.t !== null;

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'krt-archive-'));
  for (const [i, d] of DAYS.entries()) await writeTicks(db.pool, ticksOf(d, 500 + i));
  await writeQuotes(db.pool, DAYS.slice(0, 2).map(quote));
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('archive', () => {
  it('refuses to drop a day whose file could not be written, and keeps every row', async () => {
    // A file where the table's folder should be: the archive cannot be written.
    writeFileSync(join(dir, 'ticks'), 'in the way');
    await expect(archiveDays(db.pool, { before: { ticks: DAYS[1]! }, dir })).rejects.toThrow();
    expect(await exists('ticks_20261123')).toBe(true);
    expect((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ticks_20261123')).rows[0]!.n).toBe(500);
    rmSync(join(dir, 'ticks'));
  });

  it('writes one Parquet file per day and table equal to the stored rows, then drops those days', async () => {
    const stored = (await db.pool.query('SELECT * FROM ticks_20261123 ORDER BY "timestamp", symbol')).rows as Record<string, unknown>[];
    const done = await archiveDays(db.pool, { before: { ticks: DAYS[2]!, quotes: DAYS[2]! }, dir, batchRows: 128 });
    expect(done.map((d) => [d.partition, d.rows])).toEqual([['ticks_20261123', 500], ['ticks_20261124', 501], ['quotes_20261123', 1], ['quotes_20261124', 1]]);
    for (const p of ['ticks_20261123', 'ticks_20261124', 'quotes_20261123', 'quotes_20261124']) expect(await exists(p), p).toBe(false);
    expect(await exists('ticks_20261125')).toBe(true);

    const file = await asyncBufferFromFile(join(dir, 'ticks', 'ticks_20261123.parquet'));
    const md = await parquetMetadataAsync(file);
    expect(md.row_groups.length).toBe(4); // 128-row batches: memory stays bounded
    expect(md.schema.find((s) => s.name === 'timestamp')?.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MILLIS' });
    const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(rows).toHaveLength(500);
    rows.forEach((r, i) => {
      const s = stored[i]!;
      // A local timestamp holds the KST reading itself: 09:00:00.007 stays 09:00:00.007 in any zone.
      expect((r.timestamp as Date).getTime(), `row ${i}`).toBe(s.timestamp);
      expect((r.trading_date as Date).toISOString().slice(0, 10)).toBe(s.trading_date);
      expect([r.symbol, r.price, Number(r.volume), Number(r.cum_volume), r.side, r.open_interest === null ? null : Number(r.open_interest)]).toEqual(
        [s.symbol, s.price, s.volume, s.cum_volume, s.side, s.open_interest],
      );
    });
    const q = (await parquetReadObjects({ file: await asyncBufferFromFile(join(dir, 'quotes', 'quotes_20261124.parquet')) })) as Record<string, unknown>[];
    expect(q).toHaveLength(1);
    expect(JSON.parse(q[0]!.ask_prices as string)).toEqual([400.05, 400.1]);
    expect(q[0]!.total_bid_size).toBeNull();
    expect((q[0]!.timestamp as Date).toISOString()).toBe('2026-11-24T23:59:59.000Z'); // the KST reading

    // Nothing older is left: a second run changes nothing.
    expect(await archiveDays(db.pool, { before: { ticks: DAYS[2]!, quotes: DAYS[2]! }, dir })).toEqual([]);
  });

  it('the CLI: archive --dry-run lists, archive moves, db export --format parquet writes a readable file; bad use is one line', async () => {
    const env = { KRTRADE_DATABASE_URL: db.url };
    const dry = await runCli(['archive', '--before', '2026-11-26', '--table', 'ticks', '--dir', dir, '--dry-run', '--json'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as { archived: { partition: string; rows: number }[] }).archived.map((a) => [a.partition, a.rows])).toEqual([['ticks_20261125', 502]]);
    expect(await exists('ticks_20261125')).toBe(true);

    const out = join(dir, 'export', 'ticks-2026-11-25.parquet');
    mkdirSync(join(dir, 'export'), { recursive: true });
    const ex = await runCli(['db', 'export', '--table', 'ticks', '--trading-date', '2026-11-25', '--format', 'parquet', '--out', out], { env });
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stderr).toContain('502 rows');
    expect((await parquetReadObjects({ file: await asyncBufferFromFile(out) })).length).toBe(502);

    const moved = await runCli(['archive', '--before', '2026-11-26', '--dir', dir], { env });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('archived ticks_20261125 (502 rows)');
    expect(existsSync(join(dir, 'ticks', 'ticks_20261125.parquet'))).toBe(true);
    expect(await exists('ticks_20261125')).toBe(false);

    for (const [args, message] of [
      [['archive', '--dir', dir], /pass --before DATE or set retention\.ticksDays/],
      [['archive', '--before', '2026-13-01'], /^krtrade: --before: .*2026-13-01/],
      [['archive', '--before', '2026-11-01', '--table', 'candles_1m'], /archive takes ticks or quotes/],
      [['db', 'export', '--table', 'ticks', '--format', 'parquet'], /add --out FILE\.parquet/],
    ] as const) {
      const r = await runCli([...args], { env });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  }, 180_000); // five CLI processes one after another: slow on a loaded CI machine
});
