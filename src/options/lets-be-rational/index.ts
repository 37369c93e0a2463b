/** Jäckel's "Let's Be Rational" implied-volatility solver and the special functions it rests on. */
export { normalisedImpliedVolatility, lastIterationCount } from './implied-volatility.js';
export { normalisedBlackCall, normalisedVega } from './normalised-black.js';
export { erfc, erfcx, normCdf } from './erf-cody.js';
export { inverseNormCdf } from './inverse-normal.js';
