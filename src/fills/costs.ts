/**
 * Trading costs in won: broker commission and the stock transaction tax (증권거래세 + 농어촌특별세 on
 * KOSPI sells). Both are charged on the traded amount and cut to whole won, the way Korean brokers book
 * them. The tax schedule is not in the shared market reference; the rates below are the statutory
 * rates as announced (sells only, by trade date; ETF/ETN/ELW are exempt and get 0).
 */
import type { KstDate } from '../time/kst.js';

export type StockMarket = 'KOSPI' | 'KOSDAQ';

/** Tax rate (fraction of the sell amount, securities tax and rural tax together) in force from `from`. */
export interface TaxRate {
  from: string;
  KOSPI: number;
  KOSDAQ: number;
}

/**
 * Statutory schedule: 0.30 % until 2019-06-02; 0.25 % from 2019-06-03; 0.23 % in 2021–2022; 0.20 % in
 * 2023; 0.18 % in 2024; 0.15 % in 2025; 0.20 % again from 2026 (2025 tax revision). KOSPI's share of
 * each is 0.15 % rural tax plus the remaining securities tax, so the totals are the same on both markets.
 */
export const STOCK_TAX_SCHEDULE: readonly TaxRate[] = [
  { from: '0000-01-01', KOSPI: 0.003, KOSDAQ: 0.003 },
  { from: '2019-06-03', KOSPI: 0.0025, KOSDAQ: 0.0025 },
  { from: '2021-01-01', KOSPI: 0.0023, KOSDAQ: 0.0023 },
  { from: '2023-01-01', KOSPI: 0.002, KOSDAQ: 0.002 },
  { from: '2024-01-01', KOSPI: 0.0018, KOSDAQ: 0.0018 },
  { from: '2025-01-01', KOSPI: 0.0015, KOSDAQ: 0.0015 },
  { from: '2026-01-01', KOSPI: 0.002, KOSDAQ: 0.002 },
];

/** The rate in force on `date` (schedule ascending by `from`). */
export function stockTaxRate(
  market: StockMarket,
  date: KstDate | string,
  schedule: readonly TaxRate[] = STOCK_TAX_SCHEDULE,
): number {
  let rate = 0;
  for (const r of schedule) if (r.from <= date) rate = r[market];
  return rate;
}

export interface CommissionSchedule {
  /** Fraction of the traded amount (e.g. 0.00015 = 0.015 %). */
  rate: number;
  /** Won per share or contract, added to the rate part. */
  perUnit: number;
  /** Least commission per fill, won. */
  minimum: number;
}

export const NO_COMMISSION: CommissionSchedule = { rate: 0, perUnit: 0, minimum: 0 };

/** Commission on one fill of `quantity` units worth `amount` won, cut to whole won. */
export function commissionFor(c: CommissionSchedule, amount: number, quantity: number): number {
  const raw = Math.floor(amount * c.rate + 1e-9) + c.perUnit * quantity;
  return Math.max(c.minimum, Math.floor(raw));
}

/** Transaction tax on a stock sell worth `amount` won, cut to whole won. */
export function taxFor(rate: number, amount: number): number {
  return Math.floor(amount * rate + 1e-9);
}
