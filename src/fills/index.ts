/** The KRX fill model and position ledger shared by the backtest and the paper broker. */
export * from './types.js';
export * from './costs.js';
export { describeInstrument, type FillInstrument, type InstrumentOptions } from './instrument.js';
export { createFillModel, type FillAt, type FillModelOptions, type KrxFillModel } from './model.js';
export { applyFill, unrealized, type Applied } from './ledger.js';
