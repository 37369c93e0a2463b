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

/** Commands that run until stopped: their progress is what their log says, so it is shown at `log.level`. */
const LONG_RUNNING = new Set(['run', 'worker', 'dashboard', 'demo', 'sim']);
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * The level a command logs at: long-running commands and `--verbose` use `log.level`; a one-shot command
 * prints its answer, not the steps to it (an "issued KIS access token" line is noise there), so the
 * default `info` becomes `warn`; a level set lower than `info` (debugging) is kept.
 */
export function commandLogLevel(configured: string, command: string | undefined, verbose: boolean): string {
  if (verbose || (command !== undefined && LONG_RUNNING.has(command))) return configured;
  return LEVELS.indexOf(configured) < LEVELS.indexOf('info') ? configured : LEVELS[Math.max(LEVELS.indexOf(configured), LEVELS.indexOf('warn'))]!;
}

export function createContext(program: Command): CliContext {
  let loaded: LoadedConfig | undefined;
  let log: Logger | undefined;
  let command: string | undefined;
  program.option('--verbose', 'one-shot commands: also log progress (info), not only warnings');
  program.hook('preAction', (_self, action) => {
    let c: Command = action;
    while (c.parent && c.parent !== program) c = c.parent;
    command = c.name();
  });
  return {
    config() {
      const opts = program.opts<{ config?: string }>();
      loaded ??= loadConfig(opts.config ? { configPath: opts.config } : {});
      return loaded;
    },
    logger() {
      // Logs go to stderr so stdout stays clean for data and --json.
      const { level, pretty } = this.config().config.log;
      const verbose = !!program.opts<{ verbose?: boolean }>().verbose;
      log ??= createLogger({ level: commandLogLevel(level, command, verbose), pretty: pretty ?? process.stderr.isTTY, stream: process.stderr });
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
