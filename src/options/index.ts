/** Option math: Black-76 (krtrade's model), broker-style Black–Scholes, implied vol, forwards, smiles, matrices. */
export { normCdf, normPdf } from './normal.js';
export { OptionInputError, type Greeks, type OptionRight } from './types.js';
export { black76Price, black76Greeks, black76Undiscounted } from './black76.js';
export { blackScholesPrice, blackScholesGreeks } from './black-scholes.js';
export {
  impliedVol,
  type ImpliedVolResult,
  type ImpliedVolOptions,
  type IvFailure,
  type IvModel,
} from './implied-vol.js';
export { yearFraction, expiryClose, EXPIRY_CLOSE_MINUTES } from './time.js';
export { impliedForward, type ParityQuote, type ImpliedForward } from './forward.js';
export {
  sviTotalVariance,
  sviVol,
  sviFromAtm,
  validateSvi,
  quadraticSmile,
  logMoneyness,
  type SviParams,
  type QuadraticSmile,
} from './smile.js';
export {
  buildOptionMatrices,
  atmStrike,
  matrixSymbol,
  type MatrixOptions,
  type OptionMatrixRow,
  type MatrixMetric,
} from './matrix.js';
export {
  normalisedImpliedVolatility,
  normalisedBlackCall,
  lastIterationCount,
} from './lets-be-rational/index.js';
