import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { explainDbErrors, withCliPool } from './db-errors.js';
import { ensureDatabase } from '../../db/create.js';
import { maskUrl } from '../../log.js';
import { migrate } from '../../db/migrate.js';
import { dbStatus, exportCsv, exportSelection, type DbStatus } from '../../db/admin.js';
import { columnsOf, exportParquet } from '../../archive/parquet-export.js';
import { UserError, errorMessage } from '../../errors.js';
import { formatNumber, formatQuantity } from '../../market/format.js';
import { loadCalendar } from '../../market/calendar/load.js';
import type { TradingCalendar } from '../../market/calendar/index.js';
import {
  addDays,
  formatKstIso,
  parseKst,
  parseKstDate,
  startOfDate,
  TimeFormatError,
  type KstDate,
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

/** A trading date's rows in wall-clock terms: from its first session's pre-open auction to just after its last close. */
async function tradingDateSpan(raw: string, calendar: TradingCalendar) {
  let date: KstDate;
  try {
    date = parseKstDate(raw);
  } catch (e) {
    throw new UserError(`--trading-date: ${errorMessage(e)} (KST trading date, e.g. 2026-11-19)`);
  }
  if (!calendar.covers(date)) throw new UserError(`--trading-date ${date}: outside the calendar's data`);
  const sessions = calendar.sessionsOn(date);
  if (!sessions.length) throw new UserError(`--trading-date ${date}: not a KRX trading date (${calendar.dayInfo(date).name ?? 'closed'})`);
  const from = Math.min(...sessions.map((x) => x.open)) - PRE_OPEN_MS;
  const to = Math.max(...sessions.map((x) => x.close)) + 60_000;
  return { date, span: { from: from as KstTime, to: to as KstTime } };
}

/** Opening call auctions start at most this long before a session's continuous open (stocks 08:30 → 09:00). */
const PRE_OPEN_MS = 30 * 60_000;

/** `db status` as text: row counts with thousands separators (the same formatter as the charts). */
export function statusText(s: DbStatus): string {
  const lines = [
    `migrations applied: ${s.migrations}`,
    '',
    `${'table'.padEnd(28)} ${'rows'.padStart(12)} ${'size'.padStart(11)}`,
  ];
  for (const t of s.tables) {
    const name = (t.parent ? `  ${t.name}` : t.name).padEnd(28);
    const rows = `${t.estimated ? '~' : ''}${formatQuantity(t.rows, 'count')}`.padStart(12);
    lines.push(`${name} ${rows} ${`${formatNumber(t.bytes / 1024 / 1024, 1)} MB`.padStart(11)}`);
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
    .description('stream a table as CSV (COPY TO STDOUT), ordered by time: one trading date, or rows with from <= time < to')
    .requiredOption('--table <name>', 'table, e.g. futures_101, ticks, option_matrices_101, signals')
    .option('--trading-date <date>', 'the rows of one KRX trading date, YYYY-MM-DD: its day session and the night session of the evening before (which KRX counts to it)')
    .option('--from <time>', 'KST wall-clock start, inclusive (YYYY-MM-DD[THH:MM[:SS]]); calendar time, not trading date')
    .option('--to <time>', 'KST wall-clock end, exclusive; a date alone includes that whole calendar day (00:00–24:00, so also night-session rows of two trading dates)')
    .option('--format <format>', 'csv, or parquet (needs --out; KST wall-clock timestamps as local TIMESTAMP)', 'csv')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { table: string; tradingDate?: string; from?: string; to?: string; format: string; out?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'parquet')
        throw new UserError(`--format ${JSON.stringify(opts.format)} is not supported (use csv or parquet)`);
      if (opts.format === 'parquet' && !opts.out) throw new UserError('--format parquet writes a file: add --out FILE.parquet');
      await withCliPool(ctx, 'krtrade-db-export', async (pool) => {
        const req = {
          table: opts.table,
          from: timeOption('--from', opts.from, false),
          to: timeOption('--to', opts.to, true),
          ...(opts.tradingDate !== undefined ? { tradingDate: await tradingDateSpan(opts.tradingDate, await loadCalendar(ctx.config().config, pool)) } : {}),
        };
        if (opts.format === 'parquet') {
          const sel = await exportSelection(pool, req);
          const r = await exportParquet(pool, { columns: await columnsOf(pool, sel.table), from: sel.table, rest: `${sel.filter} ORDER BY ${sel.timeColumn}` }, opts.out!);
          process.stderr.write(`${formatQuantity(r.rows, 'count')} rows → ${r.file}\n`);
        } else if (opts.out) await exportCsv(pool, req, () => createWriteStream(opts.out!));
        else await exportCsv(pool, req, process.stdout, { end: false });
      });
    });
  return cmd;
}
