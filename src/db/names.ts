/**
 * Names of dynamic tables. Every name that reaches SQL text passes one of these strict patterns first,
 * so nothing from a symbol, a product code or a CLI argument can inject SQL.
 */
import type { Instrument } from '../market/types.js';
import { kisDate, type KstDate } from '../time/kst.js';
import { StorageInputError } from './errors.js';

/** `futures_101`, `futures_105`, `options_1m`, `stocks_1m`, and future product codes like `futures_1a2`. */
const CANDLE_TABLE_RE = /^(?:futures_[0-9a-z]{3}|stocks_1m|options_1m)$/;
const PRODUCT_RE = /^[0-9a-z]{1,12}$/;
export const DAY_PARENTS = ['ticks', 'quotes'] as const;
export type DayPartitionedTable = (typeof DAY_PARENTS)[number];

/** A candle table family name: a partition of `candles_1m`. */
export type CandleFamily = string;

export const CANDLE_TABLE_BY_FAMILY = {
  kospi200: 'futures_101',
  mini: 'futures_105',
  kosdaq150: 'futures_106',
  stock: 'stocks_1m',
} as const;

/** The candle table an instrument's minute bars go to. */
export function candleTableFor(inst: Pick<Instrument, 'kind' | 'family'>): CandleFamily {
  if (inst.kind === 'call' || inst.kind === 'put') return 'options_1m';
  if (inst.kind === 'stock') return CANDLE_TABLE_BY_FAMILY.stock;
  if (inst.family === 'stock')
    throw new StorageInputError(
      `a future of family 'stock' has no candle table (stock futures are not recorded)`,
    );
  return CANDLE_TABLE_BY_FAMILY[inst.family];
}

export function assertCandleTable(name: string): CandleFamily {
  if (!CANDLE_TABLE_RE.test(name)) {
    throw new StorageInputError(
      `candle table ${JSON.stringify(name)} is not a valid family table (expected futures_<3 lowercase letters/digits>, stocks_1m or options_1m)`,
    );
  }
  return name;
}

export const isCandleTable = (name: string): boolean => CANDLE_TABLE_RE.test(name);

/** `option_matrices_<product>` for a product code such as `101`. */
export function matrixTableFor(product: string): string {
  if (!PRODUCT_RE.test(product)) {
    throw new StorageInputError(
      `option matrix product ${JSON.stringify(product)} must be 1–12 lowercase letters or digits (e.g. '101')`,
    );
  }
  return `option_matrices_${product}`;
}

export const isMatrixTable = (name: string): boolean =>
  name.startsWith('option_matrices_') && PRODUCT_RE.test(name.slice('option_matrices_'.length));

export function assertDayParent(name: string): DayPartitionedTable {
  if (!(DAY_PARENTS as readonly string[]).includes(name)) {
    throw new StorageInputError(
      `${JSON.stringify(name)} is not a day-partitioned table (expected one of ${DAY_PARENTS.join(', ')})`,
    );
  }
  return name as DayPartitionedTable;
}

/** `ticks_20261124`: the partition of `parent` holding trading date `d`. */
export const dayPartitionName = (parent: DayPartitionedTable, d: KstDate): string =>
  `${parent}_${kisDate(d)}`;

export const isDayPartition = (name: string): boolean => /^(?:ticks|quotes)_\d{8}$/.test(name);

/** Fixed tables created by migrations (for `db status` / `db export`). */
export const FIXED_TABLES = [
  'instruments',
  'candles_1m',
  'ticks',
  'quotes',
  'option_chain_raw',
  'signals',
  'system_status',
  'data_quality',
  'rejected_rows',
  'dynamic_tables',
  'data_latest',
] as const;

/** True for any table name krtrade itself creates; everything else is refused by export. */
export const isKnownTableName = (name: string): boolean =>
  (FIXED_TABLES as readonly string[]).includes(name) ||
  isCandleTable(name) ||
  isMatrixTable(name) ||
  isDayPartition(name);
