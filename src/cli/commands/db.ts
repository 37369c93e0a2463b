import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { explainDbErrors, withCliPool } from './db-errors.js';
import { ensureDatabase } from '../../db/create.js';
import { maskUrl } from '../../log.js';
import { migrate } from '../../db/migrate.js';
import { dbStatus, exportCsv, type DbStatus } from '../../db/admin.js';
import { UserError } from '../../errors.js';
import {
  addDays,
  formatKstIso,
  parseKst,
  parseKstDate,
  startOfDate,
  TimeFormatError,
  type KstTime,
} from '../../time/kst.js';

/** `--from/--to` as KST wall-clock; a date-only `--to` includes that whole day. */
function timeOption(name: string, raw: string | undefined, endOfDay: boolean): KstTime | undefined {
  if (raw === undefined) return undefined;
  try {
    if (/^\d{4}-?\d{2}-?\d{2}$/.test(raw.trim())) {
      const d = parseKstDate(raw);
      return startOfDate(endOfDay ? addDays(d, 1) : d);
    }
    return parseKst(raw);
  } catch (e) {
    if (e instanceof TimeFormatError)
      throw new UserError(`${name}: ${e.message} (KST, e.g. 2026-11-24 or 2026-11-24T09:00)`);
    throw e;
  }
}

function statusText(s: DbStatus): string {
  const lines = [
    `migrations applied: ${s.migrations}`,
    '',
    'table                          rows        size',
  ];
  for (const t of s.tables) {
    const name = (t.parent ? `  ${t.name}` : t.name).padEnd(28);
    const rows = `${t.estimated ? '~' : ''}${t.rows}`.padStart(10);
    lines.push(`${name} ${rows} ${`${(t.bytes / 1024 / 1024).toFixed(1)} MB`.padStart(11)}`);
  }
  lines.push('', s.latest.length ? 'latest data (KST):' : 'latest data: none yet');
  for (const l of s.latest)
    lines.push(`  ${l.source.padEnd(22)} ${l.symbol.padEnd(20)} ${formatKstIso(l.lastTime)}`);
  return lines.join('\n');
}

export function registerDbCommands(program: Command, ctx: CliContext): Command {
  const cmd = program.command('db').description('database schema and data');
  cmd
    .command('migrate')
    .description('create the database if the server lacks it, then apply pending SQL migrations (safe to run from several processes at once)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const url = ctx.config().config.database.url;
      const created = await explainDbErrors(() => ensureDatabase(url), url);
      if (created && !opts.json) process.stderr.write(`created database ${maskUrl(url)}\n`);
      await withCliPool(ctx, 'krtrade-migrate', async (pool) => {
        const r = await migrate(pool);
        ctx.print(
          { created, applied: r.applied.map((m) => m.label), alreadyApplied: r.alreadyApplied },
          !!opts.json,
          () =>
            r.applied.length
              ? `applied ${r.applied.map((m) => m.label).join(', ')}`
              : `up to date (${r.alreadyApplied} migrations)`,
        );
      });
    });
  cmd
    .command('status')
    .description('tables with row counts and sizes, and the latest stored time per instrument')
    .option('--exact', 'count rows of big tables exactly (slow) instead of using the planner estimate')
    .option('--json', 'print JSON (times as KST YYYY-MM-DDTHH:MM:SS)')
    .action(async (opts: { json?: boolean; exact?: boolean }) => {
      await withCliPool(ctx, 'krtrade-db-status', async (pool) => {
        const s = await dbStatus(pool, { exact: !!opts.exact });
        const json = { ...s, latest: s.latest.map((l) => ({ ...l, lastTime: formatKstIso(l.lastTime) })) };
        ctx.print(json, !!opts.json, () => statusText(s));
      });
    });
  cmd
    .command('export')
    .description('stream a table as CSV (COPY TO STDOUT), rows with from <= time < to, ordered by time')
    .requiredOption('--table <name>', 'table, e.g. futures_101, ticks, option_matrices_101, signals')
    .option('--from <time>', 'KST start, inclusive (YYYY-MM-DD[THH:MM[:SS]])')
    .option('--to <time>', 'KST end, exclusive; a date alone includes that whole day')
    .option('--format <format>', 'output format (csv)', 'csv')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { table: string; from?: string; to?: string; format: string; out?: string }) => {
      if (opts.format !== 'csv')
        throw new UserError(`--format ${JSON.stringify(opts.format)} is not supported (use csv)`);
      const req = {
        table: opts.table,
        from: timeOption('--from', opts.from, false),
        to: timeOption('--to', opts.to, true),
      };
      await withCliPool(ctx, 'krtrade-db-export', async (pool) => {
        if (opts.out) await exportCsv(pool, req, () => createWriteStream(opts.out!));
        else await exportCsv(pool, req, process.stdout, { end: false });
      });
    });
  return cmd;
}
