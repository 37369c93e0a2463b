/**
 * Config sources, later wins: defaults < config file < environment.
 * File: `--config PATH`, else `KRTRADE_CONFIG`, else `./krtrade.config.json` if present.
 * Environment: `KRTRADE_<SECTION>__<KEY>` (e.g. `KRTRADE_DATABASE__URL`), shortcuts `DATABASE_URL`-style
 * aliases below, and KIS keys from `KIS_APP_KEY`, `KIS_APP_SECRET`, `KIS_ACCOUNT`, `KIS_HTS_ID`, `KIS_ENV`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
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

const camel = (s: string): string =>
  s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The environment variable that sets a config path: each segment in upper snake case, segments joined by
 * `__` (`sim.wsPort` → `KRTRADE_SIM__WS_PORT`); the inverse of how `envOverrides` reads them.
 */
export function envNameOf(path: readonly string[]): string {
  return `KRTRADE_${path.map((k) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')}`;
}

/** KIS account fields that come from the `KIS_*` shortcuts. */
const KIS_ENV_FIELDS: Record<string, string> = {
  appKey: 'KIS_APP_KEY',
  appSecret: 'KIS_APP_SECRET',
  env: 'KIS_ENV',
  account: 'KIS_ACCOUNT',
  htsId: 'KIS_HTS_ID',
};

/** Config values from the environment, and which variable set each dotted path (for error messages). */
export function envSources(env: NodeJS.ProcessEnv): { values: Json; origins: Map<string, string> } {
  const values: Json = {};
  const origins = new Map<string, string>();
  const set = (path: readonly string[], value: unknown, name: string): void => {
    setPath(values, path, value);
    origins.set(path.join('.'), name);
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || name === 'KRTRADE_CONFIG' || name === 'KRTRADE_CLOCK') continue;
    const alias = ALIASES[name];
    if (alias) set(alias, coerce(value), name);
    else if (name.startsWith('KRTRADE_') && name.includes('__')) {
      set(name.slice(8).split('__').map(camel), coerce(value), name);
    }
  }
  if (env.KIS_APP_KEY || env.KIS_APP_SECRET) {
    const account: Json = { name: 'default', appKey: env.KIS_APP_KEY, appSecret: env.KIS_APP_SECRET };
    if (env.KIS_ENV) account.env = env.KIS_ENV;
    if (env.KIS_ACCOUNT) account.account = env.KIS_ACCOUNT;
    if (env.KIS_HTS_ID) account.htsId = env.KIS_HTS_ID;
    setPath(values, ['kis', 'accounts'], [account]);
    for (const [field, name] of Object.entries(KIS_ENV_FIELDS)) origins.set(`kis.accounts.0.${field}`, name);
  }
  return { values, origins };
}

export function envOverrides(env: NodeJS.ProcessEnv): Json {
  return envSources(env).values;
}

/**
 * Restates a config issue (`path: message`) whose path came from an environment variable in the
 * variable's own terms: a misspelt `KRTRADE_SIM__WSPORT` gets `KRTRADE_SIM__WS_PORT` suggested, a
 * missing `KIS_APP_SECRET` is named as such.
 */
function inEnvTerms(issue: string, origins: Map<string, string>): string {
  const m = /^([^:]+): (.*)$/s.exec(issue);
  if (!m) return issue;
  const [, path, message] = m as unknown as [string, string, string];
  const name = origins.get(path) ?? [...origins].find(([p]) => p.startsWith(`${path}.`))?.[1];
  if (!name) return issue;
  const hint = /\(did you mean ([^?]+)\?\)/.exec(message);
  if (hint) {
    const suggested = hint[1]!;
    return `${name}: unknown setting ${path} (did you mean ${envNameOf(suggested.split('.'))}, which sets ${suggested}?)`;
  }
  if (/received undefined/.test(message) && name.startsWith('KIS_')) {
    return `${name} is not set: a KIS account from the environment needs both KIS_APP_KEY and KIS_APP_SECRET`;
  }
  return `${name} (${path}): ${message}`;
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

/** The schema under its default/prefault/optional/nullable wrappers. */
export function innerSchema(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (
    s instanceof z.ZodDefault ||
    s instanceof z.ZodPrefault ||
    s instanceof z.ZodOptional ||
    s instanceof z.ZodNullable ||
    s instanceof z.ZodPipe
  ) {
    // A transformed section (redis) is checked by the schema it transforms from.
    s = (s instanceof z.ZodPipe ? s.in : s.unwrap()) as z.ZodType;
  }
  return s;
}

/**
 * Keys of `input` the schema does not know, with their paths (zod would silently strip them, so a
 * misspelt key would fall back to its default). Walks the schema, so it works when other fields are bad.
 */
export function unknownKeys(input: unknown, schema: z.ZodType, path: string[] = []): string[] {
  const s = innerSchema(schema);
  if (s instanceof z.ZodArray && Array.isArray(input)) {
    return input.flatMap((x, i) => unknownKeys(x, s.element as z.ZodType, [...path, String(i)]));
  }
  if (s instanceof z.ZodUnion) {
    // The option that explains the input best (a discriminated union: the one with the right tag).
    const lists = (s.options as z.ZodType[]).map((o) => unknownKeys(input, o, path));
    return lists.reduce((best, l) => (l.length < best.length ? l : best), lists[0] ?? []);
  }
  if (!(s instanceof z.ZodObject) || !isObject(input)) return [];
  const shape = s.shape as Record<string, z.ZodType>;
  return Object.entries(input).flatMap(([k, v]) => {
    const here = [...path, k];
    const field = shape[k];
    if (field) return unknownKeys(v, field, here);
    // The closest known key, when it is close enough to be a typo.
    const near = Math.min(2, Math.floor(k.length / 3));
    const [hint] = Object.keys(shape)
      .map((c) => ({ c, d: c.toLowerCase() === k.toLowerCase() ? 0 : editDistance(c, k) }))
      .filter((x) => x.d <= near)
      .sort((a, b) => a.d - b.d)
      .map((x) => x.c);
    return [`${here.join('.')}: unknown key${hint ? ` (did you mean ${[...path, hint].join('.')}?)` : ''}`];
  });
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Edits (insert, delete, substitute, swap two neighbours) between two keys: `prot` is 1 from `port`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
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
  const file = explicit
    ? resolve(explicit)
    : existsSync('krtrade.config.json')
      ? resolve('krtrade.config.json')
      : undefined;
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
  const fromEnv = envSources(env);
  const written = deepMerge(fromFile, fromEnv.values);
  const parsed = configSchema.safeParse(deepMerge(written, opts.overrides ?? {}));
  // Only what a person wrote (file, KRTRADE_* variables) is checked for unknown keys; programmatic overrides are trusted.
  const issues = [
    ...(parsed.success ? [] : formatIssues(parsed.error)),
    ...unknownKeys(written, configSchema),
  ].map((i) => inEnvTerms(i, fromEnv.origins));
  if (!parsed.success || issues.length)
    throw new ConfigError(file ? `${file} + environment` : 'environment', issues);
  return file ? { config: parsed.data, file } : { config: parsed.data };
}
