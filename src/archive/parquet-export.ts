/**
 * Streams a query's rows into a Parquet file: a server-side cursor reads `batchRows` at a time, each batch
 * becomes one row group, so memory stays bounded however large the day. The file appears under its name
 * only when complete (written beside it, then renamed), and its row count is read back from the file's
 * own footer before anyone relies on it.
 */
import { renameSync, rmSync } from 'node:fs';
import type pg from 'pg';
import { ParquetWriter } from 'hyparquet-writer';
import { fileWriter } from 'hyparquet-writer/src/node.js';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { parquetColumn, type PgColumn } from './parquet-columns.js';

export interface ParquetExport {
  file: string;
  rows: number;
}

export class ArchiveError extends Error {}

/** Columns of a table (or partition), in order. */
export async function columnsOf(pool: pg.Pool, table: string): Promise<PgColumn[]> {
  const r = await pool.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
    [table],
  );
  return r.rows.map((x) => ({ name: x.column_name, dataType: x.data_type, nullable: x.is_nullable === 'YES' }));
}

/** Rows in the Parquet file, from its footer. */
export async function parquetRowCount(file: string): Promise<number> {
  const md = await parquetMetadataAsync(await asyncBufferFromFile(file));
  return Number(md.num_rows);
}

/**
 * Writes the rows of `SELECT <columns> FROM <from> <rest>` to `file`. `from` and `rest` are SQL the
 * caller built from checked table names and dates only.
 */
export async function exportParquet(
  pool: pg.Pool,
  q: { columns: PgColumn[]; from: string; rest?: string; params?: unknown[] },
  file: string,
  opts: { batchRows?: number; metadata?: Record<string, string> } = {},
): Promise<ParquetExport> {
  const batchRows = opts.batchRows ?? 100_000;
  const cols = q.columns.map(parquetColumn);
  const partial = `${file}.partial`;
  const writer = new ParquetWriter({
    writer: fileWriter(partial),
    schema: [{ name: 'root', num_children: cols.length }, ...cols.map((c) => c.element)],
    kvMetadata: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    createdBy: 'krtrade',
  });
  const client = await pool.connect();
  let rows = 0;
  let broken: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    const list = q.columns.map((c) => `"${c.name}"`).join(', ');
    await client.query(`DECLARE archive_rows NO SCROLL CURSOR FOR SELECT ${list} FROM ${q.from} ${q.rest ?? ''}`, q.params ?? []);
    for (;;) {
      const batch = await client.query<Record<string, unknown>>(`FETCH ${batchRows} FROM archive_rows`);
      if (batch.rows.length === 0) break;
      await writer.write({
        columnData: q.columns.map((c, i) => ({ name: c.name, data: batch.rows.map((r) => cols[i]!.convert(r[c.name])) })),
        rowGroupSize: batchRows,
      });
      rows += batch.rows.length;
    }
    await client.query('COMMIT');
    await writer.finish();
  } catch (e) {
    broken = e as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    rmSync(partial, { force: true });
    throw e;
  } finally {
    client.release(broken);
  }
  const inFile = await parquetRowCount(partial);
  if (inFile !== rows) {
    rmSync(partial, { force: true });
    throw new ArchiveError(`${file}: wrote ${rows} rows but the file says ${inFile}; nothing was kept`);
  }
  renameSync(partial, file);
  return { file, rows };
}
