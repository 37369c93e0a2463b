/**
 * What precision each chart quantity is shown at. The digits themselves come from the one formatter,
 * `src/market/format.ts`, whose price precision is derived from the instruments' tick tables.
 */
import type { MatrixMetric } from '../../src/db/types.js';
import { formatPrice, formatQuantity } from '../../src/market/format.js';
import { familyOfCode, familyOfProduct } from '../../src/market/instruments/index.js';
import type { ProductFamily } from '../../src/market/types.js';

export type Formatter = (v: number | null | undefined) => string;

/** The formatter of one option-matrix metric; `family` gives prices their tick precision. */
export function metricFormatter(metric: MatrixMetric, family: ProductFamily | undefined): Formatter {
  switch (metric) {
    case 'price':
      return (v) => formatPrice(v, family);
    case 'iv':
      return (v) => formatQuantity(v, 'iv');
    case 'volume':
    case 'open_interest':
      return (v) => formatQuantity(v, 'count');
    case 'delta':
    case 'gamma':
    case 'theta':
    case 'vega':
      return (v) => formatQuantity(v, 'greek');
  }
}

/**
 * The family of a candle series: from its code, else from its table (`stocks_1m`, `futures_105`).
 * `options_1m` with a code we cannot decode stays undefined (the formatter then keeps every decimal).
 */
export function candleFamily(symbol: string, table: string): ProductFamily | undefined {
  const byCode = familyOfCode(symbol);
  if (byCode) return byCode;
  if (table === 'stocks_1m') return 'stock';
  const m = /^futures_(\d{3})$/.exec(table);
  return m ? familyOfProduct(m[1]!) : undefined;
}

/** The family of an option-matrix table's product code (`101` → kospi200, `105` → mini). */
export const matrixFamily = (product: string): ProductFamily | undefined => familyOfProduct(product);

/** The unit a metric is shown in, for axis titles and legends. */
export function metricUnit(metric: MatrixMetric, family: ProductFamily | undefined): string {
  switch (metric) {
    case 'price':
      return family === 'stock' ? 'won' : 'points';
    case 'iv':
      return 'IV, % per year';
    case 'volume':
      return 'contracts traded';
    case 'open_interest':
      return 'open contracts';
    case 'delta':
      return 'delta';
    case 'gamma':
      return 'gamma, per point';
    case 'theta':
      return 'theta, points per day';
    case 'vega':
      return 'vega, points per vol point';
  }
}
