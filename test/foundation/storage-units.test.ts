/** docs/storage.md gives a unit for every numeric column the migrations create (so a new one cannot go undocumented). */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const DOC = readFileSync(new URL('docs/storage.md', root), 'utf8');
const NUMERIC = /^(DOUBLE PRECISION|BIGINT|INTEGER|BIGSERIAL|NUMERIC|REAL|SMALLINT)(\[\])?$/i;

/** Numeric columns per table, from the `CREATE TABLE` statements of the migrations. */
function numericColumns(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(new URL('migrations/', root)).filter((f) => f.endsWith('.sql'))) {
    const sql = readFileSync(new URL(`migrations/${file}`, root), 'utf8').replace(/--.*$/gm, '');
    for (const m of sql.matchAll(/CREATE TABLE IF NOT EXISTS (\w+) \(([\s\S]*?)\n\)/g)) {
      const cols: string[] = [];
      for (const line of m[2]!.split('\n')) {
        const c = /^\s*"?(\w+)"?\s+([A-Z ]+?(?:\[\])?)(?:\s+(?:NOT|DEFAULT|CHECK|PRIMARY|REFERENCES)\b.*)?,?$/i.exec(line.trim().replace(/,$/, ''));
        if (c && !/^(CONSTRAINT|CHECK|PRIMARY|UNIQUE)$/i.test(c[1]!) && NUMERIC.test(c[2]!.trim())) cols.push(c[1]!);
      }
      out.set(m[1]!, cols);
    }
  }
  return out;
}

/** The units table: the text of every row group, by the tables named in its first cell. */
function unitRows(): Map<string, string> {
  const section = DOC.slice(DOC.indexOf('### Units of every column'), DOC.indexOf('### Candles'));
  const out = new Map<string, string>();
  let current: string[] = [];
  for (const line of section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| table'))) {
    const first = line.split('|')[1]!.trim();
    if (first) current = [...first.matchAll(/`([\w<>]+)`/g)].map((x) => x[1]!);
    for (const t of current) out.set(t, (out.get(t) ?? '') + line);
  }
  return out;
}

describe('docs/storage.md units', () => {
  it('names every numeric column of every migrated table with its unit', () => {
    const tables = numericColumns();
    expect(tables.get('candles_1m')).toEqual(expect.arrayContaining(['open', 'volume', 'open_interest']));
    const rows = unitRows();
    const missing: string[] = [];
    for (const [table, cols] of tables) {
      for (const c of cols) if (!rows.get(table)?.includes(`\`${c}\``)) missing.push(`${table}.${c}`);
    }
    for (const c of ['atm_strike', 'strike_step', 'call_*', 'put_*']) {
      if (!rows.get('option_matrices_<product>')?.includes(`\`${c}\``)) missing.push(`option_matrices.${c}`);
    }
    expect(missing).toEqual([]);
  });
});
