/**
 * A configurable strategy: a plugin exports a definition — its parameters as a zod schema, the inputs it
 * reads, and a factory — so config can run the same code several times with different parameters and
 * instruments, and a typo in a parameter is refused at start rather than discovered at the first batch.
 */
import type { z } from 'zod';
import type { Strategy } from './api.js';

/** What a strategy reads; the runner loads minute bars always, matrices as `matrices()` declares. */
export interface StrategyInputs {
  minuteBars: true;
  /** Reads ticks where they are collected (the strategy's `trades()` names the symbols; they may be absent: cope). */
  ticks?: boolean;
  /** Reads the option matrices / surface declared by `matrices()`. */
  options?: boolean;
}

export interface CreateOptions {
  /** The configured name: registry key and the `strategy` column of its signals. */
  name: string;
  /** Configured instruments, when the config lists them (else the definition chooses). */
  instruments?: readonly string[];
}

export interface StrategyDefinition<P = unknown> {
  /** Marks the export as a definition (a plain Strategy object is also accepted by the loader). */
  kind: 'strategy-definition';
  /** Default name when config gives none. */
  name: string;
  params: z.ZodType<P>;
  inputs: StrategyInputs;
  create(params: P, opts: CreateOptions): Strategy;
}

/** Identity with type inference: `export default defineStrategy({ … })`. */
export function defineStrategy<P>(d: Omit<StrategyDefinition<P>, 'kind'>): StrategyDefinition<P> {
  return { kind: 'strategy-definition', ...d };
}

export const isStrategyDefinition = (v: unknown): v is StrategyDefinition =>
  typeof v === 'object' &&
  v !== null &&
  (v as StrategyDefinition).kind === 'strategy-definition' &&
  typeof (v as StrategyDefinition).create === 'function';
