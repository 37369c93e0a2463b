/**
 * Tables created on first sight: candle family partitions, per-product option-matrix tables and daily
 * ticks/quotes partitions.
 *
 * Many workers may see a new family in the same second. `CREATE TABLE IF NOT EXISTS` alone is not safe
 * under concurrency (two creators race on the catalog's unique indexes), so creation runs in a transaction
 * holding `pg_advisory_xact_lock(namespace, hashtext(name))`. Partitions lock their PARENT's name: two
 * sessions attaching different partitions to one parent at once deadlock on the parent's lock upgrade.
 * After the first success the promise is cached per pool, so the hot path costs one Map lookup: no DDL,
 * not even a catalog query.
 */
import type pg from 'pg';
import { addDays, type KstDate } from '../time/kst.js';
import { StorageInputError } from './errors.js';
import {
  assertCandleTable,
  assertDayParent,
  dayPartitionName,
  matrixTableFor,
  type DayPartitionedTable,
} from './names.js';
import { matrixColumnNames } from './matrix-columns.js';

/** Advisory-lock namespace (first int of the two-int key space; migrations use the one-bigint space). */
const DDL_LOCK_NAMESPACE = 0x6b72_6464;

const caches = new WeakMap<pg.Pool, Map<string, Promise<unknown>>>();

function cacheOf(pool: pg.Pool): Map<string, Promise<unknown>> {
  let m = caches.get(pool);
  if (!m) caches.set(pool, (m = new Map()));
  return m;
}

async function ensureOnce<T>(
  pool: pg.Pool,
  name: string,
  create: (c: pg.PoolClient) => Promise<T>,
  lockName: string = name,
): Promise<T> {
  const cache = cacheOf(pool);
  const hit = cache.get(name);
  if (hit) return hit as Promise<T>;
  const p = withDdlLock(pool, lockName, create);
  cache.set(name, p);
  // A failed creation must not stick: the next writer tries again.
  p.catch(() => cache.delete(name));
  return p;
}

async function withDdlLock<T>(
  pool: pg.Pool,
  name: string,
  create: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [DDL_LOCK_NAMESPACE, name]);
    const out = await create(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch((re: Error) => (broken = re));
    throw e;
  } finally {
    client.release(broken);
  }
}

/** Forgets cached tables (after dropping them here, or when the database says one is gone). */
export function forgetTables(pool: pg.Pool, match: (name: string) => boolean): void {
  const cache = cacheOf(pool);
  for (const name of [...cache.keys()]) if (match(name)) cache.delete(name);
}

const register = (c: pg.PoolClient, name: string, kind: string, parent: string | null, n: number | null) =>
  c.query(
    'INSERT INTO dynamic_tables (name, kind, parent, strikes_per_side) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING',
    [name, kind, parent, n],
  );

/** Creates the candle partition `family` of `candles_1m` if needed. */
export async function ensureCandleTable(pool: pg.Pool, family: string): Promise<void> {
  const t = assertCandleTable(family);
  await ensureOnce(pool, t, async (c) => {
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${t} PARTITION OF candles_1m (CONSTRAINT ${t}_key UNIQUE (symbol, "timestamp")) FOR VALUES IN ('${t}')`,
    );
    await register(c, t, 'candles', 'candles_1m', null);
  }, 'candles_1m');
}

/**
 * Creates `option_matrices_<product>` with `strikesPerSide` strikes each side of ATM if needed, and
 * refuses when the existing table was created with another N (its columns cannot hold the rows).
 */
export async function ensureMatrixTable(
  pool: pg.Pool,
  product: string,
  strikesPerSide: number,
): Promise<string> {
  const t = matrixTableFor(product);
  if (!Number.isInteger(strikesPerSide) || strikesPerSide < 1 || strikesPerSide > 60) {
    throw new StorageInputError(`strikesPerSide must be an integer in [1, 60], got ${strikesPerSide}`);
  }
  const existingN = await ensureOnce(pool, t, async (c) => {
    const r = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 AND column_name LIKE 'call\\_otm%'`,
      [t],
    );
    const n = r.rows[0]?.n ?? 0;
    if (n > 0) return n;
    const values = matrixColumnNames(strikesPerSide)
      .map((col) => `${col} DOUBLE PRECISION`)
      .join(', ');
    await c.query(`CREATE TABLE ${t} (
      "timestamp" TIMESTAMP NOT NULL,
      underlying_symbol TEXT NOT NULL,
      metric_type TEXT NOT NULL CHECK (metric_type IN ('iv','delta','gamma','theta','vega','price','volume','open_interest')),
      atm_strike DOUBLE PRECISION NOT NULL,
      strike_step DOUBLE PRECISION NOT NULL,
      ${values},
      forward DOUBLE PRECISION, underlying_price DOUBLE PRECISION, years_to_expiry DOUBLE PRECISION, greeks_source TEXT,
      CONSTRAINT ${t}_key UNIQUE (underlying_symbol, metric_type, "timestamp"))`);
    await register(c, t, 'option_matrices', null, strikesPerSide);
    return strikesPerSide;
  });
  if (existingN !== strikesPerSide) {
    throw new StorageInputError(
      `${t} was created with ${existingN} strikes per side but rows with ${strikesPerSide} were written: ` +
        `set pipeline.optionMatrixStrikesPerSide back to ${existingN}, or rename the table to start a new one`,
    );
  }
  return t;
}

/** Creates the partition of `ticks`/`quotes` for one trading date if needed; returns its name. */
export async function ensureDayPartition(
  pool: pg.Pool,
  parent: DayPartitionedTable,
  d: KstDate,
): Promise<string> {
  const p = assertDayParent(parent);
  const name = dayPartitionName(p, d);
  await ensureOnce(pool, name, async (c) => {
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${p} FOR VALUES FROM ('${d}') TO ('${addDays(d, 1)}')`,
    );
    await register(c, name, 'day_partition', p, null);
  }, p);
  return name;
}

/**
 * Drops (or detaches, keeping the table for archiving) every day partition of `parent` for trading dates
 * before `before`. Returns the affected partition names, oldest first.
 */
export async function dropDayPartitionsBefore(
  pool: pg.Pool,
  parent: DayPartitionedTable,
  before: KstDate,
  opts: { detach?: boolean; only?: string } = {},
): Promise<string[]> {
  const p = assertDayParent(parent);
  const cutoff = dayPartitionName(p, before);
  const r = await pool.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1',
    [p],
  );
  // Names are `<parent>_YYYYMMDD`, so string order is date order.
  const old = r.rows
    .map((x) => x.name)
    .filter((n) => new RegExp(`^${p}_\\d{8}$`).test(n) && n < cutoff && (opts.only === undefined || n === opts.only));
  for (const name of old) {
    await withDdlLock(pool, p, async (c) => {
      await c.query(opts.detach ? `ALTER TABLE ${p} DETACH PARTITION ${name}` : `DROP TABLE ${name}`);
      await c.query('DELETE FROM dynamic_tables WHERE name = $1', [name]);
    });
  }
  forgetTables(pool, (n) => old.includes(n));
  return old;
}
