/** `krtrade paper status`: the paper broker's positions, P&L and recent fills. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withCliPool } from './db-errors.js';
import { paperStatus, paperStatusJson, paperStatusText } from '../../paper/status.js';

export function registerPaperCommands(program: Command, ctx: CliContext): void {
  const cmd = program.command('paper').description('the local paper broker fed by live strategy signals');
  cmd
    .command('status')
    .description('paper positions marked at the last close, P&L in won, order counts and recent fills')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const s = await withCliPool(ctx, 'krtrade-paper', (pool) => paperStatus(pool), { max: 2 });
      ctx.print(paperStatusJson(s), !!opts.json, () => paperStatusText(s));
    });
}
