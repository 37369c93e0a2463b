/** What every CLI command gets: lazily loaded config, a logger, and output helpers. */
import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { createLogger, type Logger } from '../log.js';
import { UserError } from '../errors.js';

export interface CliContext {
  config(): LoadedConfig;
  logger(): Logger;
  /** Prints data: JSON when `json` is true, else the text form. */
  print(data: unknown, json: boolean, text?: () => string): void;
}

export function createContext(program: Command): CliContext {
  let loaded: LoadedConfig | undefined;
  let log: Logger | undefined;
  return {
    config() {
      const opts = program.opts<{ config?: string }>();
      loaded ??= loadConfig(opts.config ? { configPath: opts.config } : {});
      return loaded;
    },
    logger() {
      // Logs go to stderr so stdout stays clean for data and --json.
      log ??= createLogger({ level: this.config().config.log.level, pretty: this.config().config.log.pretty ?? process.stderr.isTTY, stream: process.stderr });
      return log;
    },
    print(data, json, text) {
      if (json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
      else process.stdout.write((text ? text() : String(data)) + '\n');
    },
  };
}

/** Parses an integer CLI option or throws a UserError naming the option. */
export function intOption(name: string, raw: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`${name}: expected an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}
