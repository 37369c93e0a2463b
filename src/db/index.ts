/** Public API of the storage layer. */
export { createPool, type Pool, type PoolClient } from './pool.js';
export { migrate } from './migrate.js';
export * from './types.js';
export { StorageInputError, StorageWriteError } from './errors.js';
export { candleTableFor, matrixTableFor, CANDLE_TABLE_BY_FAMILY, type CandleFamily } from './names.js';
export {
  ensureCandleTable,
  ensureMatrixTable,
  ensureDayPartition,
  dropDayPartitionsBefore,
} from './dynamic-tables.js';
export { writeCandles, writeTicks, writeQuotes, writeOptionChain } from './writer.js';
export { writeOptionMatrices, DEFAULT_STRIKES_PER_SIDE } from './writer-matrix.js';
export { writeSignals, upsertInstruments, writeDataQuality, setSystemStatus } from './writer-ops.js';
export {
  readCandles,
  latestCandles,
  minutesPresent,
  latestDataTimes,
  latestMatrices,
  readOptionChain,
  readDataQuality,
  type LatestDataTime,
} from './readers.js';
export { dbStatus, exportCsv, type DbStatus, type TableStatus } from './admin.js';
