/** The `paper` config section: live signals go to the local paper broker, filled by the backtest's fill model. */
import { z } from 'zod';

const commission = z.strictObject({
  /** Fraction of the traded amount (0.00015 = 0.015 %). */
  rate: z.number().min(0).max(0.1).optional(),
  /** Won per share / contract. */
  perUnit: z.number().min(0).optional(),
  /** Won per order at least. */
  minimum: z.number().min(0).optional(),
});

export const paperSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** Strategies whose signals trade on paper (default: every live strategy). */
    strategies: z.array(z.string().min(1)).min(1).optional(),
    fillAt: z.enum(['next_open', 'signal_close']).default('next_open'),
    slippageTicks: z.number().int().min(0).max(100).default(1),
    /** Units per entry order. */
    quantity: z.number().int().positive().default(1),
    maxPosition: z.number().int().positive().optional(),
    commission: z.strictObject({ stock: commission.optional(), derivative: commission.optional() }).optional(),
  })
  .prefault({});
export type PaperConfig = z.infer<typeof paperSchema>;
