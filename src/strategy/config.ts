/** The `strategies` config section: which strategy modules run live, with which parameters and instruments. */
import { z } from 'zod';

export const strategyEntrySchema = z.strictObject({
  /** Registry key and the `strategy` column of its signals. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, - or _'),
  /** A built-in strategy name (`vwap-atr`) or a plugin file (.ts, .mts, .js, .mjs), relative to the working directory. */
  module: z.string().min(1).default('vwap-atr'),
  /** Checked against the plugin's own zod schema at start. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** Symbols to trade; default: the strategy's own choice (vwap-atr: the KOSPI200 front future). */
  instruments: z.array(z.string().min(1)).min(1).optional(),
  /** A batch that takes longer is abandoned for this strategy (reported), the others go on. */
  timeoutMs: z.number().int().positive().default(10_000),
});
export type StrategyEntry = z.infer<typeof strategyEntrySchema>;

export const strategiesSchema = z
  .array(strategyEntrySchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate strategy name ${JSON.stringify(s.name)}` });
      seen.add(s.name);
    });
  });
