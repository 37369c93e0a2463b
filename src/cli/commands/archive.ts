/** `krtrade archive`: old day partitions of ticks/quotes → one Parquet file per day and table, then dropped. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withCliPool } from './db-errors.js';
import { archiveDays, type ArchivedDay } from '../../archive/day-partitions.js';
import { ArchiveError } from '../../archive/parquet-export.js';
import type { DayPartitionedTable } from '../../db/names.js';
import { UserError, errorMessage } from '../../errors.js';
import { formatQuantity } from '../../market/format.js';
import { addDays, dateOf, parseKstDate, toKst, type KstDate } from '../../time/kst.js';
import { RealClock } from '../../time/clock.js';

interface ArchiveOpts {
  before?: string;
  table?: string;
  dir?: string;
  dryRun?: boolean;
  json?: boolean;
}

function cutoffs(o: ArchiveOpts, retention: { ticksDays?: number | undefined; quotesDays?: number | undefined }): Partial<Record<DayPartitionedTable, KstDate>> {
  const tables: DayPartitionedTable[] = o.table === undefined ? ['ticks', 'quotes'] : o.table === 'ticks' || o.table === 'quotes' ? [o.table] : [];
  if (tables.length === 0) throw new UserError(`--table ${JSON.stringify(o.table)}: archive takes ticks or quotes`);
  if (o.before !== undefined) {
    let d: KstDate;
    try {
      d = parseKstDate(o.before);
    } catch (e) {
      throw new UserError(`--before: ${errorMessage(e)} (a KST date, e.g. 2026-10-01: days before it are archived)`);
    }
    return Object.fromEntries(tables.map((t) => [t, d]));
  }
  const today = dateOf(toKst(new RealClock().now()));
  const days: Record<DayPartitionedTable, number | undefined> = { ticks: retention.ticksDays, quotes: retention.quotesDays };
  const out = Object.fromEntries(tables.filter((t) => days[t] !== undefined).map((t) => [t, addDays(today, -days[t]!)]));
  if (Object.keys(out).length === 0)
    throw new UserError('archive: nothing to do; pass --before DATE or set retention.ticksDays / retention.quotesDays (e.g. KRTRADE_RETENTION__TICKS_DAYS=30)');
  return out;
}

const text = (done: ArchivedDay[], dryRun: boolean): string =>
  done.length === 0
    ? 'nothing older than the cut-off'
    : done.map((d) => `${dryRun ? 'would archive' : 'archived'} ${d.partition} (${formatQuantity(d.rows, 'count')} rows) → ${d.file}`).join('\n');

export function registerArchiveCommand(program: Command, ctx: CliContext): void {
  program
    .command('archive')
    .description('write old day partitions of ticks/quotes to Parquet (one file per day and table; KST wall-clock timestamps), check the row counts, then drop them from PostgreSQL')
    .option('--before <date>', 'archive trading dates before this KST date (default: today minus retention.ticksDays / retention.quotesDays)')
    .option('--table <name>', 'ticks or quotes (default: both)')
    .option('--dir <path>', 'archive folder (default: retention.archiveDir)')
    .option('--dry-run', 'list what would be archived, change nothing')
    .option('--json', 'print JSON')
    .action(async (o: ArchiveOpts) => {
      const config = ctx.config().config;
      const before = cutoffs(o, config.retention);
      const dir = o.dir ?? config.retention.archiveDir;
      await withCliPool(ctx, 'krtrade-archive', async (pool) => {
        try {
          const done = await archiveDays(pool, { before, dir, dryRun: !!o.dryRun });
          ctx.print({ dryRun: !!o.dryRun, archived: done }, !!o.json, () => text(done, !!o.dryRun));
        } catch (e) {
          if (e instanceof ArchiveError) throw new UserError(`archive: ${e.message}`);
          throw e;
        }
      });
    });
}
