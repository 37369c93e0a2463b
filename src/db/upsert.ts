/**
 * The batch upsert engine behind every typed writer.
 *
 * One batch = one transaction: validate in JS (bad rows → `rejected_rows` with the reason), COPY the good
 * rows with their ordinal into a per-connection temp staging table (ON COMMIT DELETE ROWS, created once
 * per connection), then one `INSERT … SELECT DISTINCT ON (key) … ORDER BY key, ord DESC ON CONFLICT …`.
 * DISTINCT ON with the ordinal makes the last row of a duplicated key win, and the sorted key order
 * makes concurrent batches take row locks in the same order (no deadlocks between writers). Updates that
 * would not change anything are skipped (`WHERE … IS DISTINCT FROM …`), so re-upserting a batch rewrites
 * no tuples; `xmax = 0` in RETURNING tells fresh inserts from updates.
 */
import type pg from 'pg';
import { copyField, copyLines, type CopyValue } from './copy.js';
import { StorageWriteError, sqlStateOf } from './errors.js';
import type { WriteResult } from './types.js';

export interface Column<R> {
  name: string;
  /** SQL type of the staging column (the target column's type). */
  type: string;
  get(row: R): CopyValue;
  /** SQL over the staged value used when inserting, e.g. a default for NULL. */
  select?: string;
}

export interface UpsertSpec<R> {
  /** Logical table name, recorded in `rejected_rows.table_name`. */
  label: string;
  /** Temp staging table name (shared by specs with identical columns). */
  stage: string;
  columns: readonly Column<R>[];
  /** Conflict target: a unique constraint's columns. */
  key: readonly string[];
  /** `nothing` for immutable rows (ticks): an existing key is left as it is. */
  onConflict: 'update' | 'nothing';
  /** Target columns filled from SQL expressions, e.g. a constant partition key or `updated_at`. */
  computed?: readonly { name: string; expr: string; onUpdate: boolean }[];
  /** Returns why the row cannot be stored, or null. */
  problem(row: R): string | null;
  /** The row as JSON for `rejected_rows` (times formatted, non-finite numbers as strings). */
  describe(row: R): Record<string, unknown>;
  /** Maintain `data_latest` from these staging columns. */
  latest?: { source: string; symbolColumn: string; timeColumn: string };
}

const STAGE_TEMP_BUFFERS = '64MB';
/** Above this many rows the DISTINCT ON sort gets more memory than the 4MB default (no spill to disk). */
const BIG_BATCH_ROWS = 20_000;

const EMPTY: WriteResult = { inserted: 0, updated: 0, unchanged: 0, rejected: 0, duplicates: 0 };

/** Staging tables known to exist per connection; pg keeps one client object per connection. */
const stagedClients = new WeakMap<pg.PoolClient, Set<string>>();

async function ensureStage<R>(client: pg.PoolClient, spec: UpsertSpec<R>): Promise<void> {
  let known = stagedClients.get(client);
  if (!known) {
    stagedClients.set(client, (known = new Set()));
    // Room for a 100k-row stage in memory; only settable before the session touches a temp table, so a
    // refusal (someone else's temp table came first) is harmless.
    await client.query(`SET temp_buffers = '${STAGE_TEMP_BUFFERS}'`).catch(() => undefined);
  }
  if (known.has(spec.stage)) return;
  const cols = spec.columns.map((c) => `${c.name} ${c.type}`).join(', ');
  // Outside the batch transaction, so a rolled-back batch cannot take the table with it.
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${spec.stage} (ord INTEGER NOT NULL, ${cols}) ON COMMIT DELETE ROWS`,
  );
  known.add(spec.stage);
}

const sqlCache = new WeakMap<object, Map<string, string>>();

/**
 * Where a batch goes: a table, optionally only the staged rows matching `where` (a trusted SQL condition
 * over staging columns). Day-partitioned tables are written partition by partition: RETURNING xmax is
 * refused when rows are routed through a partitioned parent.
 */
export interface UpsertTarget {
  table: string;
  where?: string;
}

function upsertSql<R>(spec: UpsertSpec<R>, target: UpsertTarget): string {
  let perSpec = sqlCache.get(spec);
  if (!perSpec) sqlCache.set(spec, (perSpec = new Map()));
  const cacheKey = `${target.table}|${target.where ?? ''}`;
  const hit = perSpec.get(cacheKey);
  if (hit) return hit;
  const names = spec.columns.map((c) => c.name);
  const computed = spec.computed ?? [];
  const key = spec.key.join(', ');
  const insertCols = [...names, ...computed.map((c) => c.name)].join(', ');
  const selectCols = [...spec.columns.map((c) => c.select ?? c.name), ...computed.map((c) => c.expr)].join(
    ', ',
  );
  let conflict: string;
  if (spec.onConflict === 'nothing') {
    conflict = `ON CONFLICT (${key}) DO NOTHING`;
  } else {
    const changing = names.filter((n) => !spec.key.includes(n));
    const set = [
      ...changing.map((n) => `${n} = EXCLUDED.${n}`),
      ...computed.filter((c) => c.onUpdate).map((c) => `${c.name} = EXCLUDED.${c.name}`),
    ];
    const before = changing.map((n) => `t.${n}`).join(', ');
    const after = changing.map((n) => `EXCLUDED.${n}`).join(', ');
    conflict = `ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')} WHERE ROW(${before}) IS DISTINCT FROM ROW(${after})`;
  }
  // `t.xmax` (qualified) is required: unqualified system columns are refused on partitions.
  const sql = `WITH src AS MATERIALIZED (
      SELECT DISTINCT ON (${key}) ${names.join(', ')} FROM ${spec.stage}${target.where ? ` WHERE ${target.where}` : ''} ORDER BY ${key}, ord DESC
    ), w AS (
      INSERT INTO ${target.table} AS t (${insertCols}) SELECT ${selectCols} FROM src ${conflict} RETURNING (t.xmax = 0) AS ins
    )
    SELECT (SELECT count(*) FROM src)::int AS distinct_rows,
           count(*) FILTER (WHERE ins)::int AS inserted, count(*) FILTER (WHERE NOT ins)::int AS updated FROM w`;
  perSpec.set(cacheKey, sql);
  return sql;
}

function latestSql(spec: UpsertSpec<unknown>): string | null {
  const l = spec.latest;
  if (!l) return null;
  return `INSERT INTO data_latest (source, symbol, last_time)
      SELECT $1, ${l.symbolColumn}, max(${l.timeColumn}) FROM ${spec.stage} GROUP BY 2 ORDER BY 2
    ON CONFLICT (source, symbol) DO UPDATE SET last_time = EXCLUDED.last_time WHERE data_latest.last_time < EXCLUDED.last_time`;
}

/** Non-finite numbers become strings so the reason stays visible in the stored JSON. */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

/**
 * Writes one batch into `target` (an already-ensured, validated table name). Throws `StorageWriteError`
 * after rolling back when the database fails: then nothing of the batch, rejects included, is stored.
 */
export async function upsertBatch<R>(
  pool: pg.Pool,
  spec: UpsertSpec<R>,
  target: string | ((good: readonly R[]) => Promise<readonly UpsertTarget[]>),
  rows: readonly R[],
): Promise<WriteResult> {
  const good: R[] = [];
  const rejects: { row: string; reason: string }[] = [];
  for (const row of rows) {
    let reason: string | null;
    try {
      reason = spec.problem(row);
    } catch (e) {
      reason = `invalid row: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (reason === null) good.push(row);
    else rejects.push({ row: JSON.stringify(jsonSafe(safeDescribe(spec, row))), reason });
  }
  if (rows.length === 0) return { ...EMPTY };
  // Resolved from the valid rows only, so a rejected row cannot create a partition.
  const targets = typeof target === 'string' ? [{ table: target }] : good.length ? await target(good) : [];

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await ensureStage(client, spec);
    await client.query('BEGIN');
    const result: WriteResult = { ...EMPTY, rejected: rejects.length };
    if (good.length > 0) {
      const cols = spec.columns;
      const lines = (function* () {
        for (let i = 0; i < good.length; i++) {
          const r = good[i]!;
          let line = String(i);
          for (const c of cols) line += '\t' + copyField(c.get(r));
          yield line;
        }
      })();
      await copyLines(client, spec.stage, ['ord', ...cols.map((c) => c.name)], lines);
      if (good.length > BIG_BATCH_ROWS) await client.query(`SET LOCAL work_mem = '64MB'`);
      let distinct = 0;
      for (const t of targets) {
        const res = await client.query<{ distinct_rows: number; inserted: number; updated: number }>(
          upsertSql(spec, t),
        );
        const r = res.rows[0]!;
        distinct += r.distinct_rows;
        result.inserted += r.inserted;
        result.updated += r.updated;
      }
      result.unchanged = distinct - result.inserted - result.updated;
      result.duplicates = good.length - distinct;
      const latest = latestSql(spec as UpsertSpec<unknown>);
      if (latest) await client.query(latest, [spec.latest!.source]);
    }
    if (rejects.length > 0) {
      await client.query(
        `INSERT INTO rejected_rows (table_name, "row", reason)
           SELECT $1, r, reason FROM unnest($2::jsonb[], $3::text[]) AS x(r, reason)
         ON CONFLICT (table_name, md5("row"::text), reason) DO NOTHING`,
        [spec.label, rejects.map((r) => r.row), rejects.map((r) => r.reason)],
      );
    }
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch((re: Error) => (broken = re));
    const state = sqlStateOf(e);
    throw new StorageWriteError(
      `writing ${rows.length} rows to ${targets.map((t) => t.table).join(', ')} failed and was rolled back (nothing stored; retrying the batch is safe): ${
        e instanceof Error ? e.message : String(e)
      }`,
      state,
      { cause: e },
    );
  } finally {
    client.release(broken);
  }
}

function safeDescribe<R>(spec: UpsertSpec<R>, row: R): Record<string, unknown> {
  try {
    return spec.describe(row);
  } catch {
    return { unreadable: String(row) };
  }
}
