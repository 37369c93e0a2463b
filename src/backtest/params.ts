/**
 * `--params JSON` for a strategy picked by name. Today the built-in vwap-atr takes { k, atrPeriod, symbol };
 * a plugin that exports a `withParams(params)` factory next to its strategy gets them too. Anything else
 * with params is refused rather than silently ignored.
 */
import { UserError } from '../errors.js';
import type { Strategy } from '../strategy/api.js';
import { createVwapAtrStrategy } from '../strategy/vwap-atr.js';

/** A strategy that can be re-created with parameters. */
export interface ParameterisedStrategy extends Strategy {
  withParams(params: Record<string, unknown>): Strategy;
}

const hasParams = (s: Strategy): s is ParameterisedStrategy =>
  typeof (s as Partial<ParameterisedStrategy>).withParams === 'function';

export function parseParamsOption(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new UserError(`--params: not valid JSON: ${JSON.stringify(raw.slice(0, 80))}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new UserError('--params: expected a JSON object such as {"k": 2.5}');
  return v as Record<string, unknown>;
}

function vwapAtrParams(p: Record<string, unknown>): Strategy {
  const known = new Set(['k', 'atrPeriod', 'symbol']);
  const bad = Object.keys(p).filter((k) => !known.has(k));
  if (bad.length)
    throw new UserError(
      `--params: vwap-atr has no parameter ${bad.join(', ')} (known: k, atrPeriod, symbol)`,
    );
  if (p.k !== undefined && !(typeof p.k === 'number' && p.k > 0))
    throw new UserError('--params.k: a number > 0');
  if (p.atrPeriod !== undefined && !(Number.isInteger(p.atrPeriod) && (p.atrPeriod as number) >= 1))
    throw new UserError('--params.atrPeriod: an integer ≥ 1');
  if (p.symbol !== undefined && typeof p.symbol !== 'string')
    throw new UserError('--params.symbol: a string');
  return createVwapAtrStrategy(p as { k?: number; atrPeriod?: number; symbol?: string });
}

export function withParams(strategy: Strategy, params: Record<string, unknown> | undefined): Strategy {
  if (params === undefined) return strategy;
  if (hasParams(strategy)) return strategy.withParams(params);
  if (strategy.name === 'vwap-atr') return vwapAtrParams(params);
  throw new UserError(
    `--params: strategy ${strategy.name} takes no parameters (a plugin takes them by exporting withParams(params))`,
  );
}
