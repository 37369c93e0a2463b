#!/usr/bin/env node
/** `krtrade` entry point: registers every command group and turns user errors into one-line messages. */
import { Command, CommanderError } from 'commander';
import { createContext } from './context.js';
import { KrtradeError, UserError } from '../errors.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDbCommands } from './commands/db.js';

const program = new Command('krtrade')
  .description('Korean market-data pipeline and strategy engine on the KIS Open API')
  .option('-c, --config <path>', 'config file (default: $KRTRADE_CONFIG or ./krtrade.config.json)')
  .showHelpAfterError()
  .exitOverride();

const ctx = createContext(program);
registerConfigCommands(program, ctx);
registerDbCommands(program, ctx);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version exit 0; usage errors were already printed by commander.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UserError || e instanceof KrtradeError) {
    process.stderr.write(`krtrade: ${e.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`krtrade: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}
