/** `krtrade backtest`: a strategy over stored minute bars with the KRX fill model; text, --json, --report. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { intOption } from '../context.js';
import { withCliPool } from './db-errors.js';
import { dateOption } from './options.js';
import { UserError, errorMessage } from '../../errors.js';
import { runBacktest, DEFAULT_CAPITAL } from '../../backtest/engine.js';
import { backtestJson, backtestText } from '../../backtest/output.js';
import { parseParamsOption } from '../../backtest/params.js';
import { backtestStrategy } from '../../backtest/strategy-by-name.js';
import { renderBacktestReport } from '../../backtest/report-html.js';
import type { FillAt } from '../../fills/model.js';

/** Typical online-broker rates; set your own with --commission / --stock-commission. */
export const DEFAULT_DERIVATIVE_COMMISSION = 0.00003;
export const DEFAULT_STOCK_COMMISSION = 0.00015;

function rateOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 0.01)
    throw new UserError(
      `${name}: expected a fraction of the traded amount in [0, 0.01] (0.00003 = 0.003 %), got ${JSON.stringify(raw)}`,
    );
  return n;
}

interface BacktestCliOptions {
  strategy: string;
  from: string;
  to: string;
  params?: string;
  plugin?: string[];
  fillAt: string;
  slippage: string;
  quantity: string;
  maxPosition?: string;
  commission?: string;
  stockCommission?: string;
  capital?: string;
  json?: boolean;
  report?: string;
  ticks: boolean;
  latency: string;
}

export function registerBacktestCommand(program: Command, ctx: CliContext): void {
  program
    .command('backtest')
    .description(
      'run a strategy over stored minute bars with the KRX fill model (same code as live and replay)',
    )
    .requiredOption('--strategy <name>', 'a configured strategy (`strategies` in the config) or a registered one (see `krtrade strategy list`)')
    .requiredOption('--from <date>', 'first trading date (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'last trading date (YYYY-MM-DD)')
    .option('--params <json>', 'strategy parameters as a JSON object')
    .option('--plugin <file...>', 'strategy plugin files to load first (.ts or .js)')
    .option('--fill-at <mode>', 'next_open (default) or signal_close', 'next_open')
    .option('--slippage <ticks>', 'slippage in ticks against each order', '0')
    .option('--quantity <n>', 'shares or contracts per entry order', '1')
    .option('--max-position <n>', 'largest |position| per symbol (default: --quantity)')
    .option(
      '--commission <rate>',
      `derivatives commission, fraction of the traded amount (default ${DEFAULT_DERIVATIVE_COMMISSION})`,
    )
    .option(
      '--stock-commission <rate>',
      `stock commission, fraction of the traded amount (default ${DEFAULT_STOCK_COMMISSION})`,
    )
    .option('--capital <won>', `capital for returns and drawdown % (default ${DEFAULT_CAPITAL})`)
    .option('--no-ticks', 'fill at bars only, even where trades (ticks) are stored')
    .option('--latency <ms>', 'with stored trades: ms after the signal bar closes before an order can fill', '0')
    .option('--report <file>', 'write a self-contained HTML report (charts and tables)')
    .option('--json', 'print JSON')
    .action(async (opts: BacktestCliOptions) => {
      const strategy = await backtestStrategy(ctx.config().config.strategies, opts.strategy, {
        params: parseParamsOption(opts.params),
        plugins: opts.plugin,
      });
      const from = dateOption('--from', opts.from);
      const to = dateOption('--to', opts.to);
      if (opts.fillAt !== 'next_open' && opts.fillAt !== 'signal_close')
        throw new UserError(
          `--fill-at: expected next_open or signal_close, got ${JSON.stringify(opts.fillAt)}`,
        );
      const quantity = intOption('--quantity', opts.quantity, 1);
      const capital = opts.capital === undefined ? DEFAULT_CAPITAL : intOption('--capital', opts.capital, 1);
      const fills = {
        fillAt: opts.fillAt as FillAt,
        slippageTicks: intOption('--slippage', opts.slippage, 0, 100),
        quantity,
        maxPosition:
          opts.maxPosition === undefined ? quantity : intOption('--max-position', opts.maxPosition, 1),
        commission: {
          derivative: { rate: rateOption('--commission', opts.commission, DEFAULT_DERIVATIVE_COMMISSION) },
          stock: { rate: rateOption('--stock-commission', opts.stockCommission, DEFAULT_STOCK_COMMISSION) },
        },
      };
      const onDay =
        opts.json || !process.stderr.isTTY
          ? undefined
          : (d: { tradingDate: string; fills: number }) =>
              process.stderr.write(`  ${d.tradingDate}: ${d.fills} fills\n`);
      const r = await withCliPool(
        ctx,
        'krtrade-backtest',
        (pool) =>
          runBacktest(pool, strategy, {
            from,
            to,
            capital,
            fills,
            keepBars: !!opts.report,
            ticks: opts.ticks,
            latencyMs: intOption('--latency', opts.latency, 0, 3_600_000),
            ...(onDay ? { onDay } : {}),
          }),
        { max: 2 },
      );
      if (opts.report) {
        try {
          writeFileSync(opts.report, renderBacktestReport(r, { inline: true }));
        } catch (e) {
          throw new UserError(`--report: cannot write ${opts.report}: ${errorMessage(e)}`);
        }
      }
      ctx.print(
        backtestJson(r),
        !!opts.json,
        () => backtestText(r) + (opts.report ? `\nreport written to ${opts.report}` : ''),
      );
    });
}
