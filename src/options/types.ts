/** Shared option-math types and input validation. */
import { KrtradeError } from '../errors.js';

export type OptionRight = 'call' | 'put';

/**
 * Sensitivities in the units traders quote:
 * - `delta`: ∂price/∂underlying (the forward for Black-76, the spot for Black–Scholes);
 * - `gamma`: ∂delta/∂underlying;
 * - `theta`: price change per **calendar day** of passing time (÷365, negative for long options);
 * - `vega`: price change per **1 vol point** (σ + 0.01);
 * - `rho`: price change per **1 percentage point** of the rate (r + 0.01).
 */
export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  rho: number;
}

/** An option-math input was not a usable number (the message names the argument and value). */
export class OptionInputError extends KrtradeError {}

export function requirePositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0))
    throw new OptionInputError(`${name} must be a finite number > 0, got ${v}`);
}

export function requireNonNegative(name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0))
    throw new OptionInputError(`${name} must be a finite number ≥ 0, got ${v}`);
}

export function requireFinite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new OptionInputError(`${name} must be a finite number, got ${v}`);
}

export function requireRight(right: string): void {
  if (right !== 'call' && right !== 'put')
    throw new OptionInputError(`right must be 'call' or 'put', got ${JSON.stringify(right)}`);
}

export const DAYS_PER_YEAR = 365;
