/**
 * The one number formatter for people: dashboard charts and tables, CLI text. Fixed decimals per quantity
 * (never trimmed, so 72,400 keeps its zeros and 1,002.50 is not rounded to a strike that does not exist),
 * en-US thousands separators, '-' for negatives, and '—' for a missing value (null is never drawn as 0).
 * Machine output (JSON, metrics) keeps plain numbers and never goes through here.
 */
import { priceDecimals } from './instruments/specs.js';
import type { ProductFamily } from './types.js';

/** Shown for a value that is missing (null, undefined, NaN, ±Infinity). */
export const MISSING = '—';

/**
 * Decimals of the quantities that are not prices. IV is in percent (`hts_ints_vltl`); greeks keep the 4
 * decimals KIS sends (`delta_val "1.0000"`, `gama`, `theta`, `vega`); volumes and open interest are counts.
 */
export const QUANTITY_DECIMALS = {
  iv: 2,
  greek: 4,
  count: 0,
  percent: 2,
} as const;
export type Quantity = keyof typeof QUANTITY_DECIMALS;

const formats = new Map<number, Intl.NumberFormat>();

/** `v` with exactly `decimals` decimals and thousands separators; '—' when missing. */
export function formatNumber(v: number | null | undefined, decimals: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  let f = formats.get(decimals);
  if (!f) {
    // signDisplay 'negative': a value that rounds to zero prints '0.00', never '-0.00'.
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      signDisplay: 'negative',
    });
    formats.set(decimals, f);
  }
  return f.format(v);
}

/**
 * A price, strike or index level at its family's tick precision (from the tick tables in
 * `instruments/specs.ts`): stocks in whole won (`72,400`), KOSPI200 and mini F/O to 2 decimals (`1,002.50`),
 * KOSDAQ150 to 1. An unknown family gets the finest precision of all, so no digit is ever lost.
 */
export function formatPrice(v: number | null | undefined, family: ProductFamily | undefined): string {
  return formatNumber(v, priceDecimals(family));
}

/** A non-price quantity at its fixed precision (`QUANTITY_DECIMALS`). */
export function formatQuantity(v: number | null | undefined, q: Quantity): string {
  return formatNumber(v, QUANTITY_DECIMALS[q]);
}

/** A price change with its sign (`+400`, `-1.25`, `0`), at the family's precision. */
export function formatChange(v: number | null | undefined, family: ProductFamily | undefined): string {
  const s = formatPrice(v, family);
  return v !== null && v !== undefined && v > 0 && s !== MISSING && /[1-9]/.test(s) ? `+${s}` : s;
}
