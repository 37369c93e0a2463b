/**
 * The strategy `backtest` (CLI and dashboard) runs for a name, resolved exactly as live and `replay` do
 * (`strategyByName`: the configured entry of that name, else a registered one), plus `--params`:
 * - a configured entry's params are overridden key by key and checked by its plugin's zod schema;
 * - a `defineStrategy` plugin given with `--plugin` is created from its schema-checked params;
 * - a plain plugin (or the unconfigured built-in) keeps the `withParams` convention.
 * Schema problems come back as one line listing every bad parameter.
 */
import { UserError } from '../errors.js';
import type { Strategy } from '../strategy/api.js';
import type { StrategyEntry } from '../strategy/config.js';
import { strategyByName } from '../strategy/configured.js';
import { isStrategyDefinition, type StrategyDefinition } from '../strategy/definition.js';
import { importStrategyModule, loadStrategyPlugin } from '../strategy/plugin.js';
import { getStrategy } from '../strategy/registry.js';
import { vwapAtrDefinition } from '../strategy/vwap-atr-definition.js';
import { withParams } from './params.js';

const isFile = (module: string): boolean => /[/\\]|\.[cm]?[jt]s$/.test(module);

/** Parses params with the definition's schema, or throws one line naming every bad parameter. */
export function checkedParams(def: StrategyDefinition, params: Record<string, unknown>): unknown {
  const parsed = def.params.safeParse(params);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(
    (i) => `--params${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`,
  );
  throw new UserError(`invalid --params for ${def.name}: ${issues.join('; ')}`);
}

async function definitionOf(module: string): Promise<StrategyDefinition | undefined> {
  if (module === 'vwap-atr') return vwapAtrDefinition as StrategyDefinition;
  if (!isFile(module)) return undefined;
  const exported = await importStrategyModule(module);
  return isStrategyDefinition(exported) ? exported : undefined;
}

export interface BacktestStrategyOptions {
  /** `--params`, already parsed to an object. */
  params?: Record<string, unknown> | undefined;
  /** `--plugin` files: plain strategies are registered, definitions are kept to be created here. */
  plugins?: readonly string[] | undefined;
}

export async function backtestStrategy(
  entries: readonly StrategyEntry[],
  name: string,
  o: BacktestStrategyOptions = {},
): Promise<Strategy> {
  const { params } = o;
  const defined = new Map<string, StrategyDefinition>();
  for (const file of o.plugins ?? []) {
    const exported = await importStrategyModule(file);
    if (isStrategyDefinition(exported)) defined.set(exported.name, exported);
    else await loadStrategyPlugin(file);
  }
  const entry = entries.find((e) => e.name === name);
  if (entry) {
    if (params === undefined) return strategyByName(entries, name);
    const merged = { ...entry.params, ...params };
    const def = await definitionOf(entry.module);
    if (def) checkedParams(def, merged);
    return strategyByName(
      entries.map((e) => (e === entry ? { ...e, params: merged } : e)),
      name,
    );
  }
  const def = defined.get(name);
  if (def) return def.create(checkedParams(def, params ?? {}), { name });
  return withParams(getStrategy(name), params);
}
