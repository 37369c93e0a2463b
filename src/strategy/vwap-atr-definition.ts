/** The built-in VWAP/ATR strategy as a configurable definition (`module: "vwap-atr"` in `strategies`). */
import { z } from 'zod';
import { UserError } from '../errors.js';
import { defineStrategy } from './definition.js';
import { createVwapAtrStrategy } from './vwap-atr.js';

export const vwapAtrParamsSchema = z.strictObject({
  /** Band width in ATRs. */
  k: z.number().positive().max(100).default(2),
  /** True ranges in the ATR mean. */
  atrPeriod: z.number().int().min(1).max(1_000).default(14),
});

export const vwapAtrDefinition = defineStrategy({
  name: 'vwap-atr',
  params: vwapAtrParamsSchema,
  inputs: { minuteBars: true },
  create(params, opts) {
    if (opts.instruments && opts.instruments.length !== 1)
      throw new UserError(`strategy ${opts.name}: vwap-atr trades one instrument; list one in \`instruments\` (or none for the KOSPI200 front future)`);
    return createVwapAtrStrategy({ ...params, name: opts.name, ...(opts.instruments ? { symbol: opts.instruments[0]! } : {}) });
  },
});
