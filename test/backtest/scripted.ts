/** A test strategy that emits trading signals at scripted minutes (known trades on hand-built bars). */
import type { SessionProduct } from '../../src/market/types.js';
import type { Strategy } from '../../src/strategy/api.js';
import { formatKst } from '../../src/time/kst.js';

export function scriptedStrategy(
  name: string,
  symbol: string,
  script: Record<string, string>,
  product: SessionProduct | 'futures' = 'futures',
): Strategy {
  return {
    name,
    lookback: 1,
    instruments: () => [symbol],
    sessions: () =>
      product === 'futures' ? [{ product: 'night' }, { product: 'derivatives' }] : [{ product }],
    onBatch: (input) => {
      const kind = script[formatKst(input.time).slice(0, 16)];
      return kind && input.batch.has(symbol) ? [{ time: input.time, symbol, kind, value: null }] : [];
    },
  };
}
