/**
 * COPY text-format encoding and streaming (pg-copy-streams). Text format, not binary: PostgreSQL parses
 * it as fast as binary for these column types, and it is easy to get exactly right.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { formatKst, type KstTime } from '../time/kst.js';

export type CopyValue = string | number | boolean | null | undefined;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field in COPY text format: `\N` for null/undefined, backslash escapes for text. */
export function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\t\n\r]/g, (ch) => ESCAPES[ch]!) : v;
}

/** A PostgreSQL array literal of numbers or nulls (no quoting needed). */
export const numberArrayLiteral = (xs: readonly (number | null)[]): string =>
  `{${xs.map((x) => (x === null ? 'NULL' : String(x))).join(',')}}`;

/** A PostgreSQL array literal of strings, each double-quoted. */
export const textArrayLiteral = (xs: readonly string[]): string =>
  `{${xs.map((x) => `"${x.replace(/["\\]/g, (ch) => '\\' + ch)}"`).join(',')}}`;

const CHUNK_CHARS = 256 * 1024;

/** Streams `lines` (already encoded, without newline) into `COPY target (columns) FROM STDIN`. */
export async function copyLines(
  client: pg.PoolClient,
  target: string,
  columns: readonly string[],
  lines: Iterable<string>,
): Promise<void> {
  function* chunks(): Generator<string> {
    let buf = '';
    for (const line of lines) {
      buf += line + '\n';
      if (buf.length >= CHUNK_CHARS) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  const sink = client.query(copyFrom(`COPY ${target} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks(), { objectMode: false }), sink);
}

const kstTextCache = new Map<number, string>();
/**
 * `formatKst` memoised: a minute batch repeats the same few timestamps for every instrument, and
 * formatting is the largest JS cost of encoding a row.
 */
export function kstText(t: KstTime): string {
  let s = kstTextCache.get(t);
  if (s === undefined) {
    if (kstTextCache.size >= 50_000) kstTextCache.clear();
    s = formatKst(t);
    kstTextCache.set(t, s);
  }
  return s;
}
