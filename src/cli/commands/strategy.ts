/** `krtrade replay` and `krtrade strategy …`: run strategies over stored data. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withCliPool } from './db-errors.js';
import { strategies } from '../../strategy/registry.js';
import { replayStrategy, type ReplayResult } from '../../strategy/replay.js';
import { runStrategyBatch } from '../../strategy/runner.js';
import { loadStrategyPlugin } from '../../strategy/plugin.js';
import { strategyByName } from '../../strategy/configured.js';
import { formatKstIso } from '../../time/kst.js';
import { dateOption, minuteOption } from './options.js';
import type { Signal } from '../../db/types.js';
import { formatNumber } from '../../market/format.js';

const signalJson = (s: Signal): Record<string, unknown> => ({ ...s, time: formatKstIso(s.time) });
const signalLine = (s: Signal): string =>
  `${formatKstIso(s.time)}  ${s.symbol}  ${s.kind.padEnd(11)} ${formatNumber(s.value, 4)}${s.payload?.reason ? `  (${String(s.payload.reason)})` : ''}`;

function replayText(r: ReplayResult, written: boolean): string {
  const lines = [
    `${r.strategy} replay ${r.from}..${r.to}: ${r.days.length} trading days, ${r.signals.length} signals`,
  ];
  for (const d of r.days) {
    const stored = d.stored
      ? `, stored +${d.stored.inserted} ~${d.stored.updated} =${d.stored.unchanged} -${d.stored.deleted}`
      : '';
    lines.push(
      `  ${d.tradingDate}: ${d.batches} minutes (${d.batchesWithMissing} with missing candles), ${d.signals} signals${stored}`,
    );
  }
  const trades = r.signals.filter((s) => s.kind !== 'monitor');
  lines.push(trades.length ? `trade signals (${trades.length}):` : 'no trade signals');
  for (const s of trades) lines.push('  ' + signalLine(s));
  if (!written) lines.push('(not stored; add --write to store them like the live runner)');
  return lines.join('\n');
}

export function registerStrategyCommands(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description('run a strategy over stored candles minute by minute (same code as live)')
    .requiredOption('--strategy <name>', 'registered strategy name (see `krtrade strategy list`)')
    .requiredOption('--from <date>', 'first trading date (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'last trading date (YYYY-MM-DD)')
    .option('--write', 'store the signals like the live runner (idempotent)')
    .option('--plugin <file...>', 'strategy plugin files to load first (.ts or .js)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        strategy: string;
        from: string;
        to: string;
        write?: boolean;
        plugin?: string[];
        json?: boolean;
      }) => {
        for (const file of opts.plugin ?? []) await loadStrategyPlugin(file);
        const strategy = await strategyByName(ctx.config().config.strategies, opts.strategy);
        const from = dateOption('--from', opts.from);
        const to = dateOption('--to', opts.to);
        const onDay =
          opts.json || !process.stderr.isTTY
            ? undefined
            : (d: { tradingDate: string; signals: number }) =>
                process.stderr.write(`  replayed ${d.tradingDate} (${d.signals} signals)\n`);
        const r = await withCliPool(
          ctx,
          'krtrade-replay',
          (pool) =>
            replayStrategy(pool, strategy, { from, to, write: !!opts.write, ...(onDay ? { onDay } : {}) }),
          { max: 2 },
        );
        ctx.print({ ...r, signals: r.signals.map(signalJson) }, !!opts.json, () =>
          replayText(r, !!opts.write),
        );
      },
    );

  const cmd = program.command('strategy').description('strategy plugins');
  cmd
    .command('list')
    .description('registered strategies')
    .option('--plugin <file...>', 'strategy plugin files to load first (.ts, .mts or .js)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean; plugin?: string[] }) => {
      for (const file of opts.plugin ?? []) await loadStrategyPlugin(file);
      const list = [...strategies.values()].map((s) => ({
        name: s.name,
        version: s.version ?? null,
        lookback: s.lookback,
      }));
      ctx.print(list, !!opts.json, () =>
        list.map((s) => `${s.name}${s.version ? ` v${s.version}` : ''} (lookback ${s.lookback})`).join('\n'),
      );
    });
  cmd
    .command('run')
    .description('run one minute batch now from stored data and store its signals')
    .requiredOption('--strategy <name>', 'registered strategy name')
    .requiredOption('--time <minute>', 'batch minute, KST YYYY-MM-DDTHH:MM')
    .option('--dry-run', 'do not store the signals')
    .option('--plugin <file...>', 'strategy plugin files to load first (.ts or .js)')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        strategy: string;
        time: string;
        dryRun?: boolean;
        plugin?: string[];
        json?: boolean;
      }) => {
        for (const file of opts.plugin ?? []) await loadStrategyPlugin(file);
        const strategy = await strategyByName(ctx.config().config.strategies, opts.strategy);
        const time = minuteOption('--time', opts.time);
        const r = await withCliPool(
          ctx,
          'krtrade-strategy',
          (pool) => runStrategyBatch(pool, strategy, time, { write: !opts.dryRun }),
          { max: 2 },
        );
        ctx.print({ ...r, time: formatKstIso(r.time), signals: r.signals.map(signalJson) }, !!opts.json, () =>
          [
            `${strategy.name} @ ${formatKstIso(r.time)} (trading date ${r.tradingDate}): ${r.signals.length} signals${r.missing.length ? `, missing ${r.missing.join(', ')}` : ''}`,
            ...r.signals.map((s) => '  ' + signalLine(s)),
          ].join('\n'),
        );
      },
    );
}
