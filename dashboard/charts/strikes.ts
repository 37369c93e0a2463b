/** Relative-strike bookkeeping for ATM-relative matrices (see `OptionMatrixRow`). Pure. */
import type { OptionMatrixRow } from '../../src/db/types.js';

export type Side = 'call' | 'put';

/** Strikes per side N of a row whose arrays have length 2N+1. */
export const strikesPerSide = (r: Pick<OptionMatrixRow, 'calls'>): number => (r.calls.length - 1) / 2;

/** Column label of array index i on one side: ITM(N)…ITM(1), ATM, OTM(1)…OTM(N). */
export function relativeLabel(i: number, n: number): string {
  return i < n ? `ITM${n - i}` : i === n ? 'ATM' : `OTM${i - n}`;
}

/**
 * Offset of array index i from ATM in strike steps (negative = lower strike). Calls' ITM strikes are
 * below ATM, puts' above, so the two sides run in opposite strike directions.
 */
export const strikeOffset = (side: Side, i: number, n: number): number => (side === 'call' ? i - n : n - i);

export const strikeOf = (
  r: Pick<OptionMatrixRow, 'atmStrike' | 'strikeStep'>,
  side: Side,
  i: number,
  n: number,
): number => r.atmStrike + strikeOffset(side, i, n) * r.strikeStep;
