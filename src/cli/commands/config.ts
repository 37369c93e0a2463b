import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { mask } from '../../log.js';
import type { Config } from '../../config/schema.js';

/** The effective config with every secret masked. */
export function maskedConfig(config: Config): unknown {
  return {
    ...config,
    kis: {
      ...config.kis,
      accounts: config.kis.accounts.map((a) => ({ ...a, appKey: mask(a.appKey), appSecret: mask(a.appSecret), account: a.account ? mask(a.account) : undefined })),
    },
    database: { url: config.database.url.replace(/:\/\/([^:@/]+):[^@/]+@/, '://$1:****@') },
    redis: { ...config.redis, url: config.redis.url.replace(/:\/\/([^:@/]*):[^@/]+@/, '://$1:****@') },
    dashboard: { ...config.dashboard, password: config.dashboard.password ? '****' : undefined },
  };
}

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const cmd = program.command('config').description('inspect configuration');
  cmd
    .command('check')
    .description('validate the config and print the effective values (secrets masked)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const { config, file } = ctx.config();
      const out = { file: file ?? null, mode: config.kis.accounts.length ? 'kis' : 'simulator', config: maskedConfig(config) };
      ctx.print(out, true);
      if (!opts.json) process.stderr.write('config OK\n');
    });
}
