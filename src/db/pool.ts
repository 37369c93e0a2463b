/**
 * node-postgres pool with the time policy applied: TIMESTAMP values are read as KST wall-clock
 * (`KstTime`) without ever passing through the process's own zone, DATE as `YYYY-MM-DD` strings.
 * Write wall-clock values as `formatKst(t)` strings (see `src/time/kst.ts`); never pass a JS Date.
 */
import pg from 'pg';
import { type KstTime } from '../time/kst.js';

const { Pool, types } = pg;
export type { Pool, PoolClient } from 'pg';

const TIMESTAMP_OID = 1114;
const TIMESTAMPTZ_OID = 1184;
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
// Array types: pg's defaults would build Dates in the process zone (timestamp[], date[]) or strings (int8[]).
// pg-types' TypeId enum lists scalar types only, hence the cast.
type Oid = Parameters<typeof types.setTypeParser>[0];
const TEXT_ARRAY_OID = 1009 as Oid;
const TIMESTAMP_ARRAY_OID = 1115 as Oid;
const TIMESTAMPTZ_ARRAY_OID = 1185 as Oid;
const DATE_ARRAY_OID = 1182 as Oid;
const INT8_ARRAY_OID = 1016 as Oid;

/** `2026-11-24 09:01:00[.123456]` → wall-clock ms; infinity stays infinite. */
export function parseTimestamp(text: string): KstTime {
  if (text === 'infinity') return Number.POSITIVE_INFINITY as KstTime;
  if (text === '-infinity') return Number.NEGATIVE_INFINITY as KstTime;
  const iso = text.replace(' ', 'T');
  const dot = iso.indexOf('.');
  const main = dot === -1 ? iso : iso.slice(0, dot);
  const frac = dot === -1 ? 0 : Number(iso.slice(dot + 1, dot + 4).padEnd(3, '0'));
  return (Date.parse(`${main}Z`) + frac) as KstTime;
}

const refuseTimestamptz = (t: string): never => {
  throw new Error(
    `timestamptz value ${t} read: krtrade stores KST wall-clock in TIMESTAMP columns only (cast it: col AT TIME ZONE 'Asia/Seoul')`,
  );
};

let installed = false;
export function installTypeParsers(): void {
  if (installed) return;
  installed = true;
  // pg's own text[] parser (quoting, NULLs, nesting) with our element parser on top.
  const textArray = types.getTypeParser(TEXT_ARRAY_OID) as (t: string) => (string | null)[];
  const arrayOf =
    <T>(each: (t: string) => T) =>
    (t: string): (T | null)[] =>
      textArray(t).map((x) => (x === null ? null : each(x)));
  types.setTypeParser(TIMESTAMP_OID, parseTimestamp);
  types.setTypeParser(TIMESTAMP_ARRAY_OID, arrayOf(parseTimestamp));
  types.setTypeParser(TIMESTAMPTZ_OID, refuseTimestamptz);
  types.setTypeParser(TIMESTAMPTZ_ARRAY_OID, refuseTimestamptz);
  types.setTypeParser(DATE_OID, (t: string) => t);
  types.setTypeParser(
    DATE_ARRAY_OID,
    arrayOf((t) => t),
  );
  types.setTypeParser(INT8_OID, (t: string) => Number(t));
  types.setTypeParser(INT8_ARRAY_OID, arrayOf(Number));
  types.setTypeParser(NUMERIC_OID, (t: string) => Number(t));
}

export interface PoolOptions {
  max?: number;
  applicationName?: string;
}

export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  installTypeParsers();
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'krtrade',
    // The session zone is irrelevant for TIMESTAMP columns, but keep now()-style SQL in KST too.
    options: '-c timezone=Asia/Seoul',
  });
  // An idle client error (server restart) must not crash a long-running process.
  pool.on('error', () => undefined);
  return pool;
}
