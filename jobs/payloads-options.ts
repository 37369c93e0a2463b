/** The board's own analytics as it travels from aggregate-board to upsert-board (src/options/board-analytics.ts). */
import { z } from 'zod';
import { OWN_IV_MISSING_REASONS } from '../src/options/board-analytics.js';

const finite = z.number().finite();
const greek = finite.nullable();

export const ownQuoteSchema = z.strictObject({
  /** Percent; null with the reason, never 0. */
  iv: z.number().finite().positive().nullable(),
  ivMissing: z.enum(OWN_IV_MISSING_REASONS).nullable(),
  delta: greek,
  gamma: greek,
  theta: greek,
  vega: greek,
});

export const surfaceSliceSchema = z.strictObject({
  yearsToExpiry: z.number().finite().nonnegative(),
  atmIv: z.number().finite().positive().nullable(),
  rr25: greek,
  bf25: greek,
  skewSlope: greek,
  svi: z.strictObject({ a: finite, b: finite, rho: finite, m: finite, s: finite }).nullable(),
  fitRmse: z.number().finite().nonnegative().nullable(),
  points: z.number().int().nonnegative(),
  butterflyArbitrage: z.boolean().nullable(),
  calendarArbitrage: z.boolean().nullable(),
});

export const boardAnalyticsSchema = z.strictObject({
  forward: z.number().finite().positive().nullable(),
  forwardSource: z.enum(['parity', 'futures', 'spot_carry']).nullable(),
  forwardUncertainty: z.number().finite().nonnegative().nullable(),
  rate: finite,
  yearsToExpiry: z.number().finite().nonnegative(),
  greeksSource: z.enum(['own', 'kis']),
  /** Aligned with the board's quotes (after normalisation). */
  quotes: z.array(ownQuoteSchema).max(400),
  surface: surfaceSliceSchema,
});
export type BoardAnalyticsPayload = z.infer<typeof boardAnalyticsSchema>;
