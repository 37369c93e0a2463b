#!/usr/bin/env node
/** `krtrade` entry point: registers every command group and turns user errors into one-line messages. */
import { Command, CommanderError } from 'commander';
import { createContext } from './context.js';
import { KrtradeError, UserError } from '../errors.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDbCommands } from './commands/db.js';
import { registerMarketCommands } from './commands/market.js';
import { registerStreamCommands } from './commands/stream.js';
import { registerPipelineCommands } from './commands/pipeline.js';
import { registerStrategyCommands } from './commands/strategy.js';
import { registerVerifyCommands } from './commands/verify.js';
import { registerKisCommands } from './commands/kis.js';
import { registerKisStreamCommand } from './commands/kis-stream.js';
import { registerSimCommands } from './commands/sim.js';
import { registerArchiveCommand } from './commands/archive.js';
import { registerPaperCommands } from './commands/paper.js';
import { registerBacktestCommand } from './commands/backtest.js';
import { registerOptionsCommands } from './commands/options-surface.js';
import { exitQuietlyOnBrokenPipe, isBrokenPipe } from './stdio.js';
import { packageVersion } from './version.js';

exitQuietlyOnBrokenPipe();

const program = new Command('krtrade')
  .description('Korean market-data pipeline and strategy engine on the KIS Open API')
  .version(packageVersion(), '-V, --version', 'print the krtrade version')
  .option('-c, --config <path>', 'config file (default: $KRTRADE_CONFIG or ./krtrade.config.json)')
  .showHelpAfterError()
  .exitOverride();

const ctx = createContext(program);
registerConfigCommands(program, ctx);
registerDbCommands(program, ctx);
registerMarketCommands(program, ctx);
registerPipelineCommands(program, ctx);
registerStrategyCommands(program, ctx);
registerVerifyCommands(program, ctx);
registerKisStreamCommand(registerKisCommands(program, ctx), ctx);
registerSimCommands(program, ctx);
registerPaperCommands(program, ctx);
registerArchiveCommand(program, ctx);
registerBacktestCommand(program, ctx);
registerOptionsCommands(program, ctx);
registerStreamCommands(program, ctx);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (isBrokenPipe(e)) {
    // The reader of stdout went away (`| head`): nothing more to say to anyone.
    process.exitCode = 0;
  } else if (e instanceof CommanderError) {
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
