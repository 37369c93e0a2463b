/** `krtrade verify`: are all expected candles stored? Exit code 1 when something is missing. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withCliPool } from './db-errors.js';
import { verifyCompleteness, minuteRuns, type CompletenessReport } from '../../verify/completeness.js';
import { formatKst, formatKstIso, type KstTime } from '../../time/kst.js';
import { dateOption } from './options.js';

/** `MM-DD HH:MM` */
const hhmm = (t: KstTime): string => formatKst(t).slice(5, 16);

function reportText(r: CompletenessReport): string {
  if (!r.tradingDay) return `${r.tradingDate} is not a trading day: nothing expected`;
  if (r.instruments.length === 0)
    return `${r.tradingDate}: no instruments with stored candles (name some with --symbol)`;
  const lines = [
    `${r.tradingDate}: ${r.complete ? 'complete' : 'INCOMPLETE'} (${r.instruments.length} instruments)`,
  ];
  for (const i of r.instruments) {
    if (i.error) {
      lines.push(`  ${i.instrument}: not checked: ${i.error}`);
      continue;
    }
    const status = i.missingMinutes.length ? `${i.missingMinutes.length} missing` : 'ok';
    lines.push(
      `  ${i.instrument}: ${i.actual}/${i.expected} ${status}${i.expiring ? ' (expiry day)' : ''}${i.unexpectedMinutes.length ? `, ${i.unexpectedMinutes.length} unexpected` : ''}`,
    );
    const runs = minuteRuns(i.missingMinutes);
    for (const run of runs.slice(0, 20))
      lines.push(`      ${hhmm(run.from)}${run.count > 1 ? `–${hhmm(run.to).slice(6)}` : ''} (${run.count})`);
    if (runs.length > 20) lines.push(`      … ${runs.length - 20} more gaps`);
  }
  return lines.join('\n');
}

export function registerVerifyCommands(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      'compare expected candle minutes (calendar) with stored ones; writes data_quality; exit 1 if anything is missing',
    )
    .requiredOption('--date <date>', 'trading date YYYY-MM-DD')
    .option(
      '--symbol <code...>',
      'instruments to check (default: those with candles that day or the previous trading day)',
    )
    .option('--no-write', 'do not write data_quality rows')
    .option('--json', 'print JSON')
    .action(async (opts: { date: string; symbol?: string[]; write: boolean; json?: boolean }) => {
      const date = dateOption('--date', opts.date);
      const r = await withCliPool(
        ctx,
        'krtrade-verify',
        (pool) =>
          verifyCompleteness(pool, {
            date,
            write: opts.write,
            ...(opts.symbol ? { symbols: opts.symbol } : {}),
          }),
        { max: 2 },
      );
      const json = {
        ...r,
        instruments: r.instruments.map((i) => ({
          ...i,
          missingMinutes: i.missingMinutes.map(formatKstIso),
          unexpectedMinutes: i.unexpectedMinutes.map(formatKstIso),
        })),
      };
      ctx.print(json, !!opts.json, () => reportText(r));
      if (!r.complete) process.exitCode = 1;
    });
}
