/**
 * The recorder's one transaction per batch: COPY into each day partition, the per-instrument progress,
 * the refused records. Plain COPY is the fast path; a unique violation (the same records written twice,
 * e.g. by two holders overlapping during a takeover) falls back to staging + `ON CONFLICT DO NOTHING`,
 * so every record is stored exactly once either way.
 */
import type pg from 'pg';
import { copyLines } from '../db/copy.js';
import { ensureDayPartition, forgetTables } from '../db/dynamic-tables.js';
import { isDayPartition, type DayPartitionedTable } from '../db/names.js';
import type { KstDate } from '../time/kst.js';
import { QUOTE_COLUMNS, TICK_COLUMNS } from './copy-records.js';
import { progressParams, type EncodedBatch } from './recorder-batch.js';

const COLUMNS: Record<DayPartitionedTable, readonly string[]> = { ticks: TICK_COLUMNS, quotes: QUOTE_COLUMNS };

const PROGRESS_SQL = `
INSERT INTO stream_progress (symbol, trading_date, last_time, last_quote_time, last_quote_seq, records, committed_at)
SELECT u.*, now() AT TIME ZONE 'Asia/Seoul'
  FROM unnest($1::text[], $2::date[], $3::timestamp(3)[], $4::timestamp(3)[], $5::int[], $6::bigint[]) AS u
ON CONFLICT (symbol) DO UPDATE SET
  trading_date = GREATEST(stream_progress.trading_date, EXCLUDED.trading_date),
  last_time = GREATEST(stream_progress.last_time, EXCLUDED.last_time),
  last_quote_time = COALESCE(EXCLUDED.last_quote_time, stream_progress.last_quote_time),
  last_quote_seq = CASE WHEN EXCLUDED.last_quote_time IS NULL THEN stream_progress.last_quote_seq ELSE EXCLUDED.last_quote_seq END,
  records = stream_progress.records + EXCLUDED.records,
  committed_at = EXCLUDED.committed_at`;

export interface CommitResult {
  /** Rows already stored (a repeated record), skipped. */
  duplicates: number;
}

const sqlState = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

async function partitions(pool: pg.Pool, batch: EncodedBatch): Promise<[string, DayPartitionedTable, string[]][]> {
  const out: [string, DayPartitionedTable, string[]][] = [];
  for (const [key, lines] of batch.groups) {
    const [parent, date] = key.split('|') as [DayPartitionedTable, KstDate];
    out.push([await ensureDayPartition(pool, parent, date), parent, lines]);
  }
  return out;
}

async function inTransaction(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<number>): Promise<number> {
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('BEGIN');
    const n = await work(c);
    await c.query('COMMIT');
    return n;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => (broken = true));
    throw e;
  } finally {
    c.release(broken);
  }
}

async function writeSideTables(c: pg.PoolClient, batch: EncodedBatch): Promise<void> {
  if (batch.progress.size) await c.query(PROGRESS_SQL, progressParams(batch.progress));
  if (batch.rejected.length)
    await c.query(
      `INSERT INTO rejected_rows (table_name, "row", reason)
       SELECT CASE WHEN r->>'kind' = 'book' THEN 'quotes' ELSE 'ticks' END, r, x
         FROM unnest($1::jsonb[], $2::text[]) AS u(r, x)
       ON CONFLICT DO NOTHING`,
      [batch.rejected.map((x) => JSON.stringify(x.row)), batch.rejected.map((x) => x.reason)],
    );
}

async function copyBatch(pool: pg.Pool, batch: EncodedBatch): Promise<CommitResult> {
  const targets = await partitions(pool, batch);
  await inTransaction(pool, async (c) => {
    for (const [table, parent, lines] of targets) await copyLines(c, table, COLUMNS[parent], lines);
    await writeSideTables(c, batch);
    return 0;
  });
  return { duplicates: 0 };
}

async function dedupeBatch(pool: pg.Pool, batch: EncodedBatch): Promise<CommitResult> {
  const targets = await partitions(pool, batch);
  const stored = await inTransaction(pool, async (c) => {
    let inserted = 0;
    for (const [table, parent, lines] of targets) {
      const stage = `krt_rec_stage_${parent}`;
      await c.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${parent}) ON COMMIT DELETE ROWS`);
      await c.query(`TRUNCATE ${stage}`);
      await copyLines(c, stage, COLUMNS[parent], lines);
      const cols = COLUMNS[parent].join(', ');
      const r = await c.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM ${stage} ON CONFLICT DO NOTHING`);
      inserted += r.rowCount ?? 0;
    }
    await writeSideTables(c, batch);
    return inserted;
  });
  return { duplicates: batch.trades + batch.quotes - stored };
}

/** Commits one batch; throws on anything but a repeated record (the recorder retries the same batch). */
export async function commitBatch(pool: pg.Pool, batch: EncodedBatch): Promise<CommitResult> {
  try {
    return await copyBatch(pool, batch);
  } catch (e) {
    const state = sqlState(e);
    if (state === '23505') return dedupeBatch(pool, batch);
    // A partition dropped behind our back (archive): forget the cache so the retry recreates it.
    if (state === '42P01' || (state === '23514' && /partition/.test(String(e)))) forgetTables(pool, isDayPartition);
    throw e;
  }
}
