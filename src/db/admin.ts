/** Operator views of the database: table sizes and freshness (`db status`) and CSV export (`db export`). */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { formatKst, type KstDate, type KstTime } from '../time/kst.js';
import { StorageInputError } from './errors.js';
import { isCandleTable, isDayPartition, isKnownTableName, isMatrixTable } from './names.js';
import { latestDataTimes, type LatestDataTime } from './readers.js';

export interface TableStatus {
  name: string;
  /** Parent table when this is a partition. */
  parent: string | null;
  partitioned: boolean;
  rows: number;
  /** True when `rows` is the planner's estimate (big tables, unless `exact`). */
  estimated: boolean;
  bytes: number;
}

export interface DbStatus {
  migrations: number;
  tables: TableStatus[];
  latest: LatestDataTime[];
}

/** Leaf tables up to this size are counted exactly even without `exact`. */
const EXACT_COUNT_MAX_PAGES = 2_000;

export async function dbStatus(pool: pg.Pool, opts: { exact?: boolean } = {}): Promise<DbStatus> {
  const rels = await pool.query<{
    name: string;
    kind: string;
    reltuples: number;
    relpages: number;
    bytes: number;
    parent: string | null;
  }>(
    `SELECT c.relname AS name, c.relkind::text AS kind, c.reltuples::float8 AS reltuples, c.relpages AS relpages,
            pg_total_relation_size(c.oid)::bigint AS bytes, p.relname AS parent
       FROM pg_class c
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
      WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
  );
  const leaves: TableStatus[] = [];
  const parents: TableStatus[] = [];
  for (const r of rels.rows) {
    if (!isKnownTableName(r.name)) continue;
    if (r.kind === 'p') {
      parents.push({
        name: r.name,
        parent: r.parent,
        partitioned: true,
        rows: 0,
        estimated: false,
        bytes: 0,
      });
      continue;
    }
    // Names passed isKnownTableName (strict patterns), so they are safe to interpolate.
    const exact = opts.exact || r.reltuples < 0 || r.relpages <= EXACT_COUNT_MAX_PAGES;
    const rows = exact
      ? (await pool.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${r.name}`)).rows[0]!.n
      : Math.round(r.reltuples);
    leaves.push({
      name: r.name,
      parent: r.parent,
      partitioned: false,
      rows,
      estimated: !exact,
      bytes: r.bytes,
    });
  }
  for (const p of parents) {
    for (const l of leaves) {
      if (l.parent !== p.name) continue;
      p.rows += l.rows;
      p.bytes += l.bytes;
      p.estimated ||= l.estimated;
    }
  }
  const migrations = await pool
    .query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')
    .catch(() => ({ rows: [{ n: 0 }] }));
  return {
    migrations: migrations.rows[0]!.n,
    tables: [...parents, ...leaves].sort((a, b) => a.name.localeCompare(b.name)),
    latest: await latestDataTimes(pool),
  };
}

/** The column `db export --from/--to` filters and orders on. */
export function timeColumnOf(table: string): string {
  if (isCandleTable(table) || isMatrixTable(table) || isDayPartition(table)) return '"timestamp"';
  const byTable: Record<string, string> = {
    candles_1m: '"timestamp"',
    ticks: '"timestamp"',
    quotes: '"timestamp"',
    option_chain_raw: '"timestamp"',
    signals: '"timestamp"',
    data_quality: 'trading_date',
    system_status: 'updated_at',
    rejected_rows: 'rejected_at',
    instruments: 'updated_at',
    dynamic_tables: 'created_at',
    data_latest: 'last_time',
  };
  const col = byTable[table];
  if (!col) throw new StorageInputError(`no time column known for table ${table}`);
  return col;
}

export interface ExportRequest {
  table: string;
  from?: KstTime;
  to?: KstTime;
  /**
   * Rows of one KRX trading date: tables with a `trading_date` column filter on it (a night session's rows
   * belong to the next trading date); others take the date's session span, `span` (from the calendar).
   */
  tradingDate?: { date: KstDate; span: { from: KstTime; to: KstTime } };
}

/** Tables whose rows carry their trading date (candles, ticks, quotes and their partitions, data_quality). */
export const hasTradingDateColumn = (table: string): boolean =>
  isCandleTable(table) || isDayPartition(table) || ['candles_1m', 'ticks', 'quotes', 'data_quality'].includes(table);

/** What an export reads: a checked table, its filter (`WHERE …` or '') and its time column. */
export interface ExportSelection {
  table: string;
  filter: string;
  timeColumn: string;
}

/** Checks the table name against krtrade's own tables and that it exists; builds the row filter. */
export async function exportSelection(pool: pg.Pool, req: ExportRequest): Promise<ExportSelection> {
  if (!isKnownTableName(req.table)) {
    throw new StorageInputError(
      `--table ${JSON.stringify(req.table)} is not a krtrade table (run \`krtrade db status\` to list them)`,
    );
  }
  const exists = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [req.table]);
  if (!exists.rows[0]?.t)
    throw new StorageInputError(`table ${req.table} does not exist yet (nothing was written to it)`);
  if (req.from !== undefined && req.to !== undefined && req.from >= req.to) {
    throw new StorageInputError(`--from ${formatKst(req.from)} is not before --to ${formatKst(req.to)}`);
  }
  const col = timeColumnOf(req.table);
  const where: string[] = [];
  const td = req.tradingDate;
  if (td && (req.from !== undefined || req.to !== undefined))
    throw new StorageInputError('--trading-date selects its own range: give it or --from/--to, not both');
  // COPY takes no bind parameters; dates and formatKst output are digits, dashes, colons and a space only.
  if (td && hasTradingDateColumn(req.table)) where.push(`trading_date = '${td.date}'`);
  const from = td && !hasTradingDateColumn(req.table) ? td.span.from : req.from;
  const to = td && !hasTradingDateColumn(req.table) ? td.span.to : req.to;
  if (from !== undefined) where.push(`${col} >= '${formatKst(from)}'`);
  if (to !== undefined) where.push(`${col} < '${formatKst(to)}'`);
  return { table: req.table, filter: where.length ? ` WHERE ${where.join(' AND ')}` : '', timeColumn: col };
}

/** The COPY statement of a CSV export. */
export async function exportSql(pool: pg.Pool, req: ExportRequest): Promise<string> {
  const s = await exportSelection(pool, req);
  return `COPY (SELECT * FROM ${s.table}${s.filter} ORDER BY ${s.timeColumn}) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

/**
 * Streams the CSV into `out` (ends it unless `end: false`, e.g. for stdout). Pass a function to open the
 * output only after the request was validated (no empty file left behind by a typo).
 */
export async function exportCsv(
  pool: pg.Pool,
  req: ExportRequest,
  out: Writable | (() => Writable),
  opts: { end?: boolean } = {},
): Promise<void> {
  const sql = await exportSql(pool, req);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const source = client.query(copyTo(sql));
    await pipeline(source, typeof out === 'function' ? out() : out, { end: opts.end ?? true });
  } catch (e) {
    broken = e as Error;
    throw e;
  } finally {
    client.release(broken);
  }
}
