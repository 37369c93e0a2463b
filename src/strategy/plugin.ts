/** Loads a strategy plugin file (`export default` a Strategy, or `export const strategy`) and registers it. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, errorMessage } from '../errors.js';
import type { Strategy } from './api.js';
import { registerStrategy } from './registry.js';

const looksLikeStrategy = (v: unknown): v is Strategy =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Strategy).name === 'string' &&
  typeof (v as Strategy).instruments === 'function' &&
  typeof (v as Strategy).onBatch === 'function';

export async function loadStrategyPlugin(file: string): Promise<Strategy> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`cannot load strategy plugin ${file}: ${errorMessage(e)}`);
  }
  const candidate = mod.default ?? mod.strategy;
  if (!looksLikeStrategy(candidate)) {
    throw new UserError(
      `strategy plugin ${file} must export a strategy ({ name, lookback, instruments(), onBatch() }) as default or as \`strategy\``,
    );
  }
  registerStrategy(candidate);
  return candidate;
}
