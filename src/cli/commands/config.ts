/** `krtrade config check`: validate the configuration and show the effective values, secrets masked. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { mask, maskUrl } from '../../log.js';
import type { Config } from '../../config/schema.js';

/** The effective config with every secret masked. */
export function maskedConfig(config: Config): Config {
  return {
    ...config,
    kis: {
      ...config.kis,
      accounts: config.kis.accounts.map((a) => ({
        ...a,
        appKey: mask(a.appKey),
        appSecret: mask(a.appSecret),
        ...(a.account ? { account: mask(a.account) } : {}),
        ...(a.htsId ? { htsId: mask(a.htsId) } : {}),
        ...(a.restUrl ? { restUrl: maskUrl(a.restUrl) } : {}),
        ...(a.wsUrl ? { wsUrl: maskUrl(a.wsUrl) } : {}),
      })),
    },
    database: { url: maskUrl(config.database.url) },
    redis: { ...config.redis, url: maskUrl(config.redis.url) },
    dashboard: { ...config.dashboard, ...(config.dashboard.password ? { password: '****' } : {}) },
    // A webhook URL is a credential (Slack/Telegram put the token in the path): show scheme and host only.
    alerts: {
      ...config.alerts,
      webhooks: config.alerts.webhooks.map((w) => ({
        ...w,
        url: `${new URL(w.url).origin}/****`,
        headers: Object.fromEntries(Object.keys(w.headers).map((k) => [k, '****'])),
      })),
    },
  };
}

/** `section.key = value` lines, one per leaf (arrays of objects by index). */
export function flatten(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
    return value.length ? value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`)) : [`${prefix} = []`];
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return [`${prefix} = {}`];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [`${prefix} = ${JSON.stringify(value)}`];
}

export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const cmd = program.command('config').description('inspect configuration');
  cmd
    .command('check')
    .description('validate the config and print the effective values (secrets masked); exit 1 if invalid')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const { config, file } = ctx.config();
      const mode = config.kis.accounts.length ? 'kis' : 'simulator';
      const masked = maskedConfig(config);
      ctx.print({ file: file ?? null, mode, config: masked }, !!opts.json, () =>
        [`config OK (file: ${file ?? 'none'}; mode: ${mode})`, ...flatten(masked)].join('\n'),
      );
    });
}
