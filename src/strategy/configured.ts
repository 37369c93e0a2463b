/**
 * Turns the `strategies` config section into Strategy objects: imports each module (built-in name or
 * plugin file), validates its params against the plugin's zod schema and creates it. Every problem of every
 * entry is collected first, so one start reports them all (the usual config error: `path: message` lines).
 *
 * The live runner, `replay` and `backtest` all get their strategies from here, so they run the same code
 * with the same parameters.
 */
import { ConfigError, UserError, errorMessage } from '../errors.js';
import type { Strategy } from './api.js';
import type { StrategyEntry } from './config.js';
import { isStrategyDefinition, type StrategyDefinition } from './definition.js';
import { checkStrategy } from './inputs.js';
import { importStrategyModule } from './plugin.js';
import { getStrategy, registerStrategy, strategies } from './registry.js';
import { vwapAtrDefinition } from './vwap-atr-definition.js';

/** Built-in definitions by module name. */
const BUILT_IN: Record<string, StrategyDefinition> = { 'vwap-atr': vwapAtrDefinition as StrategyDefinition };

export interface ConfiguredStrategy {
  strategy: Strategy;
  /** A batch that takes longer is abandoned for this strategy. */
  timeoutMs: number;
  entry: StrategyEntry;
}

const isFile = (module: string): boolean => /[/\\]|\.[cm]?[jt]s$/.test(module);

async function createOne(entry: StrategyEntry, where: string, issues: string[]): Promise<Strategy | undefined> {
  let exported: Strategy | StrategyDefinition | undefined = BUILT_IN[entry.module];
  if (!exported) {
    if (!isFile(entry.module)) {
      issues.push(`${where}.module: unknown built-in strategy ${JSON.stringify(entry.module)}; built-ins: ${Object.keys(BUILT_IN).join(', ')}, or give a plugin file (.ts, .mts, .js, .mjs)`);
      return undefined;
    }
    try {
      exported = await importStrategyModule(entry.module);
    } catch (e) {
      issues.push(`${where}.module: ${errorMessage(e)}`);
      return undefined;
    }
  }
  if (!isStrategyDefinition(exported)) {
    // A plain Strategy object takes params only through a `withParams(params)` factory (the backtest's
    // convention); configured instruments replace its own.
    let plain: Strategy = exported;
    const factory = (exported as { withParams?: unknown }).withParams;
    if (Object.keys(entry.params).length) {
      if (typeof factory !== 'function') {
        issues.push(`${where}.params: ${entry.module} exports a plain strategy without a params schema; remove params or export defineStrategy(...)`);
        return undefined;
      }
      try {
        plain = (factory as (p: Record<string, unknown>) => Strategy).call(exported, entry.params);
      } catch (e) {
        issues.push(`${where}.params: ${errorMessage(e)}`);
        return undefined;
      }
    }
    const list = entry.instruments;
    return { ...plain, name: entry.name, ...(list ? { instruments: () => [...list] } : {}) };
  }
  const parsed = exported.params.safeParse(entry.params);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push(`${where}.params${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
    return undefined;
  }
  try {
    const s = exported.create(parsed.data, { name: entry.name, ...(entry.instruments ? { instruments: entry.instruments } : {}) });
    checkStrategy(s);
    if (s.name !== entry.name) issues.push(`${where}: the plugin's create() returned a strategy named ${JSON.stringify(s.name)}; it must use opts.name`);
    return s;
  } catch (e) {
    issues.push(`${where}: ${errorMessage(e)}`);
    return undefined;
  }
}

/** Creates every configured strategy, or throws one ConfigError listing every problem. */
export async function loadConfiguredStrategies(entries: readonly StrategyEntry[], only?: string): Promise<ConfiguredStrategy[]> {
  const issues: string[] = [];
  const out: ConfiguredStrategy[] = [];
  for (const [i, entry] of entries.entries()) {
    if (only !== undefined && entry.name !== only) continue;
    const strategy = await createOne(entry, `strategies.${i}`, issues);
    if (strategy) out.push({ strategy, timeoutMs: entry.timeoutMs, entry });
  }
  if (issues.length) throw new ConfigError('strategies', issues);
  return out;
}

/**
 * What runs live: the configured strategies, or — with an empty `strategies` section — every registered
 * strategy (the built-in vwap-atr with its defaults) under the default timeout.
 */
export async function liveStrategies(entries: readonly StrategyEntry[], defaultTimeoutMs = 10_000): Promise<ConfiguredStrategy[]> {
  if (entries.length) return loadConfiguredStrategies(entries);
  return [...strategies.values()].map((strategy) => ({
    strategy,
    timeoutMs: defaultTimeoutMs,
    entry: { name: strategy.name, module: strategy.name, params: {}, timeoutMs: defaultTimeoutMs },
  }));
}

/**
 * A strategy by name for `replay`, `backtest` and `strategy run`: the configured one of that name (with its
 * params and instruments), else a registered one. Configured strategies are registered, so lists show them.
 */
export async function strategyByName(entries: readonly StrategyEntry[], name: string): Promise<Strategy> {
  if (!entries.some((e) => e.name === name)) return getStrategy(name);
  const [configured] = await loadConfiguredStrategies(entries, name);
  try {
    registerStrategy(configured!.strategy);
  } catch (e) {
    // Another object of that name (e.g. a configured entry named like a built-in): the configured one wins here.
    if (!(e instanceof UserError)) throw e;
  }
  return configured!.strategy;
}
