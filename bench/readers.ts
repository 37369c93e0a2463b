/**
 * Reader latency vs stored history: "one instrument over a range" must cost O(range), however many
 * years are stored. Fresh databases hold 1, 4 and 16 years (default) of 1-minute futures bars for 3
 * symbols and one option-matrix metric a minute; the product's readers are timed on random ranges. One
 * database per size; the reads alternate between them so the machine's
 * load falls on every size alike. The baseline is the same read with the smallest history, in the same
 * run; the goal is p50 at every size ≤ 1.5× that baseline. The databases are dropped afterwards.
 *
 *   npx tsx bench/readers.ts [--years 1,4,16] [--reads 200]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPool } from '../src/db/pool.js';
import { migrate } from '../src/db/migrate.js';
import { ensureCandleTable, ensureMatrixTable } from '../src/db/dynamic-tables.js';
import { latestCandles, latestMatrices, readCandles } from '../src/db/readers.js';
import { candlesOfTradingDates } from '../src/db/readers-chart.js';
import { addDays, parseKst, type KstDate } from '../src/time/kst.js';

const { values: args } = parseArgs({ options: { years: { type: 'string', default: '1,4,16' }, reads: { type: 'string', default: '200' } } });
const YEARS = args.years.split(',').map(Number);
const READS = Number(args.reads);
if (YEARS.some((y) => !(y > 0)) || !(READS > 0)) throw new Error('--years: positive numbers, --reads: a positive number');
const ADMIN_URL = process.env.KRTRADE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SYMBOLS = ['A01603', 'A01606', 'A01609'];
const UNDERLYING = 'A01603';
const STRIKES_PER_SIDE = 5;
const MINUTES_PER_DAY = 405; // 09:00–15:44
const LAST_DAY = '2026-11-30' as KstDate;
const GOAL_RATIO = 1.5;

/** Appends 1-minute bars (weekdays, 09:00–15:44) for every symbol on [from, to). Generated server-side. */
async function fillCandles(pool: pg.Pool, from: KstDate, to: KstDate): Promise<void> {
  await pool.query(
    `INSERT INTO candles_1m (family, "timestamp", symbol, trading_date, open, high, low, close, volume)
     SELECT 'futures_101', d + time '09:00' + make_interval(mins => m), s, d::date, p, p + 0.1, p - 0.1, p + 0.05, 10 + m
       FROM generate_series($1::date, $2::date - 1, interval '1 day') d
       CROSS JOIN generate_series(0, ${MINUTES_PER_DAY - 1}) m
       CROSS JOIN unnest($3::text[]) s
       CROSS JOIN LATERAL (SELECT 350 + (extract(doy FROM d) + m) % 100 * 0.05 AS p) price
      WHERE extract(isodow FROM d) < 6`,
    [from, to, SYMBOLS],
  );
}

async function fillMatrices(pool: pg.Pool, table: string, from: KstDate, to: KstDate): Promise<void> {
  const cols = [...Array(STRIKES_PER_SIDE).keys()].flatMap((i) => [`call_otm${i + 1}`, `put_otm${i + 1}`]);
  const present = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND (column_name LIKE 'call%' OR column_name LIKE 'put%')`,
    [table],
  );
  const valueCols = present.rows.map((r) => `"${r.column_name}"`);
  if (valueCols.length < cols.length) throw new Error(`${table} has ${valueCols.length} value columns`);
  await pool.query(
    `INSERT INTO ${table} ("timestamp", underlying_symbol, metric_type, atm_strike, strike_step, ${valueCols.join(', ')})
     SELECT d + time '09:00' + make_interval(mins => m), $3, 'iv', 350, 2.5, ${valueCols.map((_, i) => `0.15 + ${i} * 0.001`).join(', ')}
       FROM generate_series($1::date, $2::date - 1, interval '1 day') d
       CROSS JOIN generate_series(0, ${MINUTES_PER_DAY - 1}) m
      WHERE extract(isodow FROM d) < 6`,
    [from, to, UNDERLYING],
  );
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** A random weekday in the stored range [first, LAST_DAY). */
function randomDay(first: KstDate): KstDate {
  const span = (Date.parse(LAST_DAY) - Date.parse(first)) / 86_400_000;
  for (;;) {
    const d = addDays(first, Math.floor(Math.random() * (span - 40)));
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (dow !== 0 && dow !== 6) return d;
  }
}

type Read = (db: Db) => Promise<unknown>;

/** Times `read` on every database in turn, interleaved, so that machine load falls on all sizes alike. */
async function timeInterleaved(read: Read, dbs: Db[]): Promise<{ p50: number; p99: number }[]> {
  for (const db of dbs) for (let i = 0; i < 10; i++) await read(db); // warm the cache and the plan
  const ms = dbs.map(() => [] as number[]);
  for (let i = 0; i < READS; i++) {
    for (const [k, db] of dbs.entries()) {
      const t = performance.now();
      await read(db);
      ms[k]!.push(performance.now() - t);
    }
  }
  return ms.map((xs) => ({ p50: pct(xs, 0.5), p99: pct(xs, 0.99) }));
}

interface Db {
  name: string;
  years: number;
  first: KstDate;
  pool: pg.Pool;
}

async function createFilled(admin: pg.Client, years: number): Promise<Db> {
  const name = `krtrade_bench_readers_${process.pid}_${String(years).replace('.', '_')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const pool = createPool(ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), { max: 2 });
  const first = addDays(LAST_DAY, -Math.round(years * 365));
  const t = performance.now();
  await migrate(pool);
  await ensureCandleTable(pool, 'futures_101');
  await fillCandles(pool, first, LAST_DAY);
  await fillMatrices(pool, await ensureMatrixTable(pool, '101', STRIKES_PER_SIDE), first, LAST_DAY);
  await pool.query('ANALYZE');
  const rows = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM futures_101')).rows[0]!.n);
  console.log(`${years} year(s): ${rows.toLocaleString('en-US')} candle rows (${SYMBOLS.length} symbols) + one IV matrix a minute, filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { name, years, first, pool };
}

const sym = () => SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)]!;
const day = (d: KstDate) => parseKst(`${d}T00:00:00`);
const READS_BY_NAME: Record<string, Read> = {
  'candles, one day (405 rows)': ({ pool, first }) => {
    const d = randomDay(first);
    return readCandles(pool, { symbol: sym(), family: 'futures_101', from: day(d), to: day(addDays(d, 1)) });
  },
  'candles, one month (~8,500 rows)': ({ pool, first }) => {
    const d = randomDay(first);
    return readCandles(pool, { symbol: sym(), family: 'futures_101', from: day(d), to: day(addDays(d, 30)) });
  },
  'chart reader, 5 trading dates': ({ pool, first }) => {
    const d = randomDay(first);
    return candlesOfTradingDates(pool, sym(), d, addDays(d, 7));
  },
  'last 100 bars before a time': ({ pool, first }) =>
    latestCandles(pool, { symbol: sym(), before: parseKst(`${randomDay(first)}T12:00:00`), limit: 100 }),
  'matrix at a time (index probe)': ({ pool, first }) =>
    latestMatrices(pool, '101', UNDERLYING, { at: parseKst(`${randomDay(first)}T11:00:00`), metrics: ['iv'] }),
};

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const dbs: Db[] = [];
  try {
    for (const years of YEARS) dbs.push(await createFilled(admin, years));
    console.log(`\nreads interleaved over the databases, ${READS} each; ratio = p50 / p50 with ${YEARS[0]} year(s) stored`);
    const verdicts: string[] = [];
    for (const [name, read] of Object.entries(READS_BY_NAME)) {
      const r = await timeInterleaved(read, dbs);
      const base = r[0]!.p50;
      console.log(`  ${name}`);
      for (const [k, db] of dbs.entries()) {
        const ratio = r[k]!.p50 / base;
        console.log(`    ${String(db.years).padStart(3)} y  p50 ${r[k]!.p50.toFixed(2).padStart(7)} ms  p99 ${r[k]!.p99.toFixed(2).padStart(7)} ms  ×${ratio.toFixed(2)}`);
        if (k > 0) verdicts.push(`${name} with ${db.years} y: ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'} (×${ratio.toFixed(2)})`);
      }
    }
    const plan = await dbs.at(-1)!.pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT * FROM candles_1m WHERE family = 'futures_101' AND symbol = 'A01603' AND "timestamp" >= '2020-01-06' AND "timestamp" < '2020-01-07'`,
    );
    console.log(`\nplan of a one-day read: ${plan.rows.map((r) => r['QUERY PLAN'].trim()).join(' | ')}`);
    console.log(`\ngoal: p50 with more history ≤ ${GOAL_RATIO}× the ${YEARS[0]}-year p50 (reads cost O(range), not O(history))`);
    for (const v of verdicts) console.log(`  ${v}`);
  } finally {
    for (const db of dbs) {
      await db.pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
    }
    await admin.end();
  }
}

await main();
