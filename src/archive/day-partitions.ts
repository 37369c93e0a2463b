/**
 * Archiving old realtime days: each day partition of `ticks`/`quotes` older than the retention is
 * written to `<dir>/<table>/<table>_YYYYMMDD.parquet` (one file per day and table), the file's row count
 * is checked against the partition's, and only then is the partition detached and dropped. A run that
 * stops half-way leaves either the partition (archived again next run: the file is rewritten) or the
 * file; never neither. The archive files are the truth for those days from then on.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { DAY_PARENTS, dayPartitionName, type DayPartitionedTable } from '../db/names.js';
import { dropDayPartitionsBefore } from '../db/dynamic-tables.js';
import { addDays, type KstDate } from '../time/kst.js';
import { columnsOf, exportParquet, ArchiveError } from './parquet-export.js';

export interface ArchivedDay {
  table: DayPartitionedTable;
  partition: string;
  tradingDate: KstDate;
  file: string;
  rows: number;
}

const dateOfPartition = (name: string): KstDate => {
  const d = name.slice(-8);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` as KstDate;
};

/** Day partitions of `parent` for trading dates before `before`, oldest first. */
export async function partitionsBefore(pool: pg.Pool, parent: DayPartitionedTable, before: KstDate): Promise<string[]> {
  const r = await pool.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1',
    [parent],
  );
  const cutoff = dayPartitionName(parent, before);
  return r.rows.map((x) => x.name).filter((n) => new RegExp(`^${parent}_\\d{8}$`).test(n) && n < cutoff);
}

export async function archiveDays(
  pool: pg.Pool,
  o: { before: Partial<Record<DayPartitionedTable, KstDate>>; dir: string; dryRun?: boolean; batchRows?: number },
): Promise<ArchivedDay[]> {
  const done: ArchivedDay[] = [];
  for (const table of DAY_PARENTS) {
    const before = o.before[table];
    if (!before) continue;
    const parts = await partitionsBefore(pool, table, before);
    if (parts.length === 0) continue;
    const dir = join(o.dir, table);
    if (!o.dryRun) mkdirSync(dir, { recursive: true });
    const columns = await columnsOf(pool, table);
    for (const partition of parts) {
      const tradingDate = dateOfPartition(partition);
      const file = join(dir, `${partition}.parquet`);
      if (o.dryRun) {
        const n = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${partition}`);
        done.push({ table, partition, tradingDate, file, rows: n.rows[0]!.n });
        continue;
      }
      const { rows } = await exportParquet(pool, { columns, from: partition, rest: 'ORDER BY "timestamp", symbol' }, file, {
        ...(o.batchRows ? { batchRows: o.batchRows } : {}),
        metadata: { 'krtrade.table': table, 'krtrade.trading_date': tradingDate, 'krtrade.time_zone': 'KST wall-clock (Asia/Seoul), not UTC' },
      });
      const stored = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${partition}`);
      if (stored.rows[0]!.n !== rows) {
        throw new ArchiveError(`${partition} changed while it was archived (${stored.rows[0]!.n} rows now, ${rows} in ${file}); it was kept, run archive again`);
      }
      // Detach and drop exactly this day (the next day is the exclusive bound).
      await dropDayPartitionsBefore(pool, table, addDays(tradingDate, 1), { detach: true, only: partition });
      await pool.query(`DROP TABLE IF EXISTS ${partition}`);
      done.push({ table, partition, tradingDate, file, rows });
    }
  }
  return done;
}
