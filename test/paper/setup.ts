/** Shared settings of the paper tests: one tight VWAP/ATR strategy on a synthetic KOSPI200 future. */
import { paperSchema } from '../../src/paper/config.js';
import { strategiesSchema } from '../../src/strategy/config.js';

export const SYMBOL = 'A01612';
export const STRATEGIES = strategiesSchema.parse([
  { name: 'paper-bands', module: 'vwap-atr', params: { k: 1.2, atrPeriod: 10 }, instruments: [SYMBOL] },
]);
export const PAPER_CONFIG = paperSchema.parse({
  enabled: true,
  fillAt: 'next_open',
  slippageTicks: 1,
  commission: { derivative: { rate: 0.00003 } },
});
