/** Strategies by name, so config and the CLI can refer to them. Plugins add themselves with `registerStrategy`. */
import { UserError } from '../errors.js';
import type { Strategy } from './api.js';
import { checkStrategy } from './inputs.js';
import { createVwapAtrStrategy } from './vwap-atr.js';

const registry = new Map<string, Strategy>();

export function registerStrategy(strategy: Strategy): void {
  checkStrategy(strategy);
  if (registry.has(strategy.name) && registry.get(strategy.name) !== strategy) {
    throw new UserError(`a different strategy named ${JSON.stringify(strategy.name)} is already registered`);
  }
  registry.set(strategy.name, strategy);
}

/** Read-only view of the registered strategies. */
export const strategies: ReadonlyMap<string, Strategy> = registry;

export function getStrategy(name: string): Strategy {
  const s = registry.get(name);
  if (!s)
    throw new UserError(
      `unknown strategy ${JSON.stringify(name)}; known: ${[...registry.keys()].sort().join(', ') || '(none)'}`,
    );
  return s;
}

registerStrategy(createVwapAtrStrategy());
