/**
 * Config sources, later wins: defaults < config file < environment.
 * File: `--config PATH`, else `KRTRADE_CONFIG`, else `./krtrade.config.json` if present.
 * Environment: `KRTRADE_<SECTION>__<KEY>` (e.g. `KRTRADE_DATABASE__URL`), shortcuts `DATABASE_URL`-style
 * aliases below, and KIS keys from `KIS_APP_KEY`, `KIS_APP_SECRET`, `KIS_ACCOUNT`, `KIS_HTS_ID`, `KIS_ENV`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type Config, configSchema } from './schema.js';

type Json = Record<string, unknown>;

const ALIASES: Record<string, string[]> = {
  KRTRADE_DATABASE_URL: ['database', 'url'],
  KRTRADE_REDIS_URL: ['redis', 'url'],
  KRTRADE_REDIS_PREFIX: ['redis', 'prefix'],
  KRTRADE_LOG_LEVEL: ['log', 'level'],
};

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]!] = value;
}

/** Env values are strings; numbers, booleans and JSON arrays/objects are recognised. */
function coerce(raw: string): unknown {
  const t = raw.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t);
    } catch {
      return raw;
    }
  }
  return raw;
}

const camel = (s: string): string => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function envOverrides(env: NodeJS.ProcessEnv): Json {
  const out: Json = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name === 'KRTRADE_CONFIG' || name === 'KRTRADE_CLOCK') continue;
    const alias = ALIASES[name];
    if (alias) setPath(out, alias, coerce(value));
    else if (name.startsWith('KRTRADE_') && name.includes('__')) {
      setPath(out, name.slice(8).split('__').map(camel), coerce(value));
    }
  }
  if (env.KIS_APP_KEY || env.KIS_APP_SECRET) {
    const account: Json = { name: 'default', appKey: env.KIS_APP_KEY, appSecret: env.KIS_APP_SECRET };
    if (env.KIS_ENV) account.env = env.KIS_ENV;
    if (env.KIS_ACCOUNT) account.account = env.KIS_ACCOUNT;
    if (env.KIS_HTS_ID) account.htsId = env.KIS_HTS_ID;
    setPath(out, ['kis', 'accounts'], [account]);
  }
  return out;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return over;
  if (typeof over !== 'object' || over === null || Array.isArray(over)) return over;
  const out: Json = { ...(base as Json) };
  for (const [k, v] of Object.entries(over as Json)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export interface LoadOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Programmatic overrides (tests, the demo), applied last. */
  overrides?: Json;
}

export interface LoadedConfig {
  config: Config;
  /** Where the file came from, if any. */
  file?: string;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const explicit = opts.configPath ?? env.KRTRADE_CONFIG;
  const file = explicit ? resolve(explicit) : existsSync('krtrade.config.json') ? resolve('krtrade.config.json') : undefined;
  let fromFile: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(file, [`cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
    }
    try {
      fromFile = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(file, [`not valid JSON: ${(e as Error).message}`]);
    }
  }
  const merged = deepMerge(deepMerge(fromFile, envOverrides(env)), opts.overrides ?? {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(file ? `${file} + environment` : 'environment', formatIssues(parsed.error));
  return file ? { config: parsed.data, file } : { config: parsed.data };
}
