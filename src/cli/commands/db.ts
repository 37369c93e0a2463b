import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { createPool } from '../../db/pool.js';
import { migrate } from '../../db/migrate.js';

export function registerDbCommands(program: Command, ctx: CliContext): Command {
  const cmd = program.command('db').description('database schema and data');
  cmd
    .command('migrate')
    .description('apply pending SQL migrations (safe to run from several processes at once)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const pool = createPool(ctx.config().config.database.url, { max: 1, applicationName: 'krtrade-migrate' });
      try {
        const r = await migrate(pool);
        ctx.print({ applied: r.applied.map((m) => `${m.version}_${m.name}`), alreadyApplied: r.alreadyApplied }, !!opts.json, () =>
          r.applied.length ? `applied ${r.applied.map((m) => `${m.version}_${m.name}`).join(', ')}` : `up to date (${r.alreadyApplied} migrations)`,
        );
      } finally {
        await pool.end();
      }
    });
  return cmd;
}
