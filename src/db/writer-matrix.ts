/** Writer for ATM-relative option matrices (`option_matrices_<product>`, one column per relative strike). */
import type pg from 'pg';
import { formatKst } from '../time/kst.js';
import { ensureMatrixTable, forgetTables } from './dynamic-tables.js';
import { StorageInputError, StorageWriteError } from './errors.js';
import { matrixColumnNames } from './matrix-columns.js';
import { MATRIX_METRICS, type OptionMatrixRow, type WriteResult } from './types.js';
import { upsertBatch, type Column, type UpsertSpec } from './upsert.js';
import { describeTime, firstProblem, numberProblem, timeProblem } from './validate.js';
import { underlyingSymbolProblem } from './writer.js';

export const DEFAULT_STRIKES_PER_SIDE = 10;

const specs = new Map<string, UpsertSpec<OptionMatrixRow>>();

function valuesProblem(side: 'calls' | 'puts', xs: readonly (number | null)[]): string | null {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x !== null && !Number.isFinite(x)) return `${side}[${i}] ${String(x)} is not a finite number or null`;
  }
  return null;
}

function matrixSpec(table: string, n: number): UpsertSpec<OptionMatrixRow> {
  let spec = specs.get(`${table}:${n}`);
  if (spec) return spec;
  const width = 2 * n + 1;
  const valueColumns: Column<OptionMatrixRow>[] = matrixColumnNames(n).map((name, i) => ({
    name,
    type: 'DOUBLE PRECISION',
    get: (r) => (i < width ? r.calls[i] : r.puts[i - width]) ?? null,
  }));
  spec = {
    label: table,
    stage: `krt_stage_matrix_${n}`,
    columns: [
      { name: '"timestamp"', type: 'TIMESTAMP', get: (r) => formatKst(r.time) },
      { name: 'underlying_symbol', type: 'TEXT', get: (r) => r.underlyingSymbol },
      { name: 'metric_type', type: 'TEXT', get: (r) => r.metric },
      { name: 'atm_strike', type: 'DOUBLE PRECISION', get: (r) => r.atmStrike },
      { name: 'strike_step', type: 'DOUBLE PRECISION', get: (r) => r.strikeStep },
      ...valueColumns,
      { name: 'forward', type: 'DOUBLE PRECISION', get: (r) => r.forward ?? null },
      { name: 'underlying_price', type: 'DOUBLE PRECISION', get: (r) => r.underlyingPrice ?? null },
      { name: 'years_to_expiry', type: 'DOUBLE PRECISION', get: (r) => r.yearsToExpiry ?? null },
      { name: 'greeks_source', type: 'TEXT', get: (r) => r.greeksSource ?? null },
    ],
    key: ['underlying_symbol', 'metric_type', '"timestamp"'],
    onConflict: 'update',
    problem: (r) =>
      firstProblem(
        timeProblem('time', r.time),
        underlyingSymbolProblem(r.underlyingSymbol),
        (MATRIX_METRICS as readonly string[]).includes(r.metric)
          ? null
          : `metric ${JSON.stringify(r.metric)} is not one of ${MATRIX_METRICS.join(', ')}`,
        numberProblem('atmStrike', r.atmStrike),
        numberProblem('strikeStep', r.strikeStep),
        r.atmStrike > 0 && r.strikeStep > 0
          ? null
          : `atmStrike ${r.atmStrike} and strikeStep ${r.strikeStep} must be positive`,
        valuesProblem('calls', r.calls),
        valuesProblem('puts', r.puts),
      ),
    describe: (r) => ({ ...r, time: describeTime(r.time) }),
    latest: { source: table, symbolColumn: 'underlying_symbol', timeColumn: '"timestamp"' },
  };
  specs.set(`${table}:${n}`, spec);
  return spec;
}

/**
 * Upserts option matrices for one product (`'101'` → `option_matrices_101`). Every row's arrays must have
 * length 2·strikesPerSide+1 and the table must have been created with the same strikesPerSide; otherwise
 * a `StorageInputError` is thrown and nothing is written (a shape mismatch is a configuration error, not a
 * bad market row).
 */
export async function writeOptionMatrices(
  pool: pg.Pool,
  product: string,
  rows: readonly OptionMatrixRow[],
  opts: { strikesPerSide?: number } = {},
): Promise<WriteResult> {
  const n = opts.strikesPerSide ?? DEFAULT_STRIKES_PER_SIDE;
  const width = 2 * n + 1;
  rows.forEach((r, i) => {
    if (
      !Array.isArray(r.calls) ||
      !Array.isArray(r.puts) ||
      r.calls.length !== width ||
      r.puts.length !== width
    ) {
      throw new StorageInputError(
        `option matrix row ${i} (${r.underlyingSymbol} ${r.metric}) has ${r.calls?.length}/${r.puts?.length} call/put values, ` +
          `expected ${width} (strikesPerSide ${n}): build the matrix with the same strikesPerSide as the writer`,
      );
    }
  });
  const attempt = async () => {
    const table = await ensureMatrixTable(pool, product, n);
    return upsertBatch(pool, matrixSpec(table, n), table, rows);
  };
  try {
    return await attempt();
  } catch (e) {
    if (!(e instanceof StorageWriteError && e.sqlState === '42P01')) throw e;
    forgetTables(pool, (name) => name === `option_matrices_${product}`);
    return attempt();
  }
}
