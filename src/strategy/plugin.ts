/**
 * Loads strategy plugin files. A plugin exports (as default or as `strategy`) either a Strategy object or a
 * `defineStrategy` definition. TypeScript files (.ts, .mts, .cts) are loaded through tsx's ESM API, so
 * they work from the compiled CLI too, where plain `import()` fails with an ES-module / unknown
 * extension error; .js/.mjs load natively.
 */
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { UserError, errorMessage } from '../errors.js';
import type { Strategy } from './api.js';
import { isStrategyDefinition, type StrategyDefinition } from './definition.js';
import { registerStrategy } from './registry.js';

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

export const looksLikeStrategy = (v: unknown): v is Strategy =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Strategy).name === 'string' &&
  typeof (v as Strategy).instruments === 'function' &&
  typeof (v as Strategy).onBatch === 'function';

/** The plugin's export: a Strategy or a definition. */
export async function importStrategyModule(file: string): Promise<Strategy | StrategyDefinition> {
  const ext = extname(file);
  if (!TS_EXTENSIONS.has(ext) && !JS_EXTENSIONS.has(ext))
    throw new UserError(`strategy plugin ${file}: unsupported file type ${JSON.stringify(ext)} (use .ts, .mts, .js or .mjs)`);
  const url = pathToFileURL(resolve(file)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (TS_EXTENSIONS.has(ext) ? await tsImport(url, import.meta.url) : await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`cannot load strategy plugin ${file}: ${errorMessage(e).split('\n')[0]}`);
  }
  let candidate = mod.default ?? mod.strategy;
  // A .ts file outside an ESM package loads as CommonJS: its exports arrive one level down.
  if (!isStrategyDefinition(candidate) && !looksLikeStrategy(candidate) && typeof candidate === 'object' && candidate !== null) {
    const inner = candidate as Record<string, unknown>;
    candidate = inner.default ?? inner.strategy;
  }
  if (isStrategyDefinition(candidate) || looksLikeStrategy(candidate)) return candidate;
  throw new UserError(
    `strategy plugin ${file} must export a strategy ({ name, lookback, instruments(), onBatch() }) or defineStrategy({ name, params, inputs, create }), as default or as \`strategy\``,
  );
}

/** Loads a plugin and registers it (a definition with its default parameters) under its own name. */
export async function loadStrategyPlugin(file: string): Promise<Strategy> {
  const candidate = await importStrategyModule(file);
  let strategy: Strategy;
  if (isStrategyDefinition(candidate)) {
    const parsed = candidate.params.safeParse({});
    if (!parsed.success)
      throw new UserError(`strategy plugin ${file} has required parameters: configure it under \`strategies\` in the config`);
    strategy = candidate.create(parsed.data, { name: candidate.name });
  } else strategy = candidate;
  registerStrategy(strategy);
  return strategy;
}
