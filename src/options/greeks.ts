/** What Black-76 and Black–Scholes share: input checks, d1, and the conversion of raw sensitivities to quoted units. */
import {
  DAYS_PER_YEAR,
  requireFinite,
  requireNonNegative,
  requirePositive,
  requireRight,
  type Greeks,
  type OptionRight,
} from './types.js';

/**
 * Checks the inputs both models take; `underlying` names the first argument in errors ('forward' or
 * 'spot'). Model-specific inputs (the dividend yield) are checked by the model.
 */
export function validateBlackInputs(
  underlying: string,
  U: number,
  K: number,
  T: number,
  r: number,
  sigma: number,
  right: OptionRight,
): void {
  requirePositive(underlying, U);
  requirePositive('strike', K);
  requireNonNegative('time to expiry', T);
  requireFinite('rate', r);
  requireNonNegative('volatility', sigma);
  requireRight(right);
}

/** d1 = ln(F/K)/(σ√T) + σ√T/2, given ln(F/K) (for Black–Scholes: ln(S/K) + (r − q)T) and sd = σ√T > 0. */
export const blackD1 = (logForwardMoneyness: number, sd: number): number => logForwardMoneyness / sd + sd / 2;

/** Sensitivities as the formulas give them: per year, per unit of volatility, per unit of rate. */
export interface RawGreeks {
  price: number;
  delta: number;
  gamma: number;
  thetaPerYear: number;
  vegaPerUnit: number;
  rhoPerUnit: number;
}

/** Converts to the quoted units of `Greeks`: theta per calendar day, vega per vol point, rho per rate point. */
export function quotedGreeks(g: RawGreeks): Greeks {
  return {
    price: g.price,
    delta: g.delta,
    gamma: g.gamma,
    theta: g.thetaPerYear / DAYS_PER_YEAR,
    vega: g.vegaPerUnit / 100,
    rho: g.rhoPerUnit / 100,
  };
}
