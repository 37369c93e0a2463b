/**
 * PostgreSQL columns as Parquet columns, so the files read naturally in DuckDB, pandas and Spark:
 * `TIMESTAMP` → Parquet TIMESTAMP(MILLIS) with `isAdjustedToUTC = false` (a local wall-clock time: our
 * KST readings stay KST readings, never shifted to UTC), `DATE` → DATE, numbers → INT32/INT64/DOUBLE,
 * text → UTF8 strings, `jsonb` and arrays → JSON text. Units are those of the table (docs/storage.md).
 */
import type { SchemaElement } from 'hyparquet';
import { startOfDate, type KstDate } from '../time/kst.js';

export interface PgColumn {
  name: string;
  /** `information_schema.columns.data_type`, e.g. 'timestamp without time zone', 'ARRAY'. */
  dataType: string;
  nullable: boolean;
}

export interface ParquetColumn {
  element: SchemaElement;
  /** The value as the Parquet writer wants it (null stays null). */
  convert: (v: unknown) => unknown;
}

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as number));
const asDay = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(startOfDate(v as KstDate)));
const asJson = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const asString = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const same = (v: unknown): unknown => (v === undefined ? null : v);
const asBigInt = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as number));

export function parquetColumn(c: PgColumn): ParquetColumn {
  const base = { name: c.name, repetition_type: c.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const) };
  switch (c.dataType) {
    case 'timestamp without time zone':
      return { element: { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MILLIS' } }, convert: asDate };
    case 'date':
      return { element: { ...base, type: 'INT32', converted_type: 'DATE' }, convert: asDay };
    case 'double precision':
    case 'real':
    case 'numeric':
      return { element: { ...base, type: 'DOUBLE' }, convert: (v) => (v === null || v === undefined ? null : Number(v)) };
    case 'integer':
    case 'smallint':
      return { element: { ...base, type: 'INT32' }, convert: same };
    case 'bigint':
      return { element: { ...base, type: 'INT64' }, convert: asBigInt };
    case 'boolean':
      return { element: { ...base, type: 'BOOLEAN' }, convert: same };
    case 'jsonb':
    case 'json':
    case 'ARRAY':
      return { element: { ...base, type: 'BYTE_ARRAY', converted_type: 'JSON' }, convert: asJson };
    default:
      // text, character, varchar and anything else: its text form.
      return { element: { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' }, convert: asString };
  }
}
