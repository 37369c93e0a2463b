/** The simulator's synthetic KRX market model (see `types.ts` for the contract the servers use). */
export { createSimMarket, SimMarketModel } from './sim-market.js';
export { MAX_STOCKS, UnknownInstrumentError, type SimMarketOptions } from './market.js';
export { STOCKS, INDICES, type StockSpec } from './universe.js';
export type * from './types.js';
