/** Instrument codes, expiries, contract specs and the KIS index F/O master file. */
export {
  InstrumentCodeError,
  YEAR_CYCLE,
  derivativeIsin,
  familyOfCode,
  familyOfProduct,
  futuresCode,
  isinCheckDigit,
  krxShortCode,
  parseInstrumentCode,
  strikeFromCode,
  yearCode,
  yearFromCode,
  type CodeScheme,
  type DecodedInstrument,
} from './codes.js';
export {
  monthlyExpiry,
  nearestOptionExpiry,
  nthWeekdayOfMonth,
  weeklyExpiries,
  weeklyExpiryFromLabel,
} from './expiry.js';
export {
  FUTURES_LISTED_FROM,
  frontFuture,
  listedFutureMonths,
  listedFutures,
  type FuturesFamily,
} from './futures.js';
export {
  MASTER_FIELDS,
  MasterFileError,
  PRODUCT_TYPES,
  formatMasterError,
  parseFoIdxMaster,
  readFoIdxMasterFile,
  type MasterInstrument,
  type MasterLineError,
  type MasterParseOptions,
  type MasterParseResult,
} from './master.js';
export {
  MULTIPLIER_HALVING,
  multiplier,
  priceDecimals,
  stockTickSize,
  tickDecimals,
  tickSize,
} from './specs.js';
