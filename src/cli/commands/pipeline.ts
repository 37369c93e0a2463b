/** `krtrade worker|run|queues|backfill|dashboard|demo`: the queue pipeline (implemented in workers/, jobs/, dashboard/). */
import type { Command} from 'commander';
import { Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { type CliContext, intOption } from '../context.js';
import { UserError } from '../../errors.js';
import { clockFromEnv } from '../../time/clock.js';
import { parseKstDate, formatKstIso, toKst, addMinutes } from '../../time/kst.js';
import { randomBytes } from 'node:crypto';
import { parseInstrumentCode } from '../../market/instruments/index.js';
import { SIMULATOR_ACCOUNT, defaultAccountName } from '../../pipeline/subscriptions.js';
import { QUEUE_NAMES, type QueueName } from '../../../jobs/catalog.js';
import { POOL_KINDS } from '../../../workers/pools.js';
import { parsePoolKind, serveAll, serveDashboardOnly, serveWorker } from '../../../workers/serve.js';
import { formatKeyLoads, keyLoads } from '../../../workers/key-load.js';
import { formatStatus, pauseLive, pipelineStatus, resumeLive, withQueues } from '../../../workers/admin.js';
import { enqueueBackfill, missingPlan, pipelineClock, planBackfill, waitForBackfill } from '../../../workers/backfill.js';
import { pgStoredMinutes } from '../../repair/stored.js';
import { withCliPool } from './db-errors.js';
import { loadCalendar } from '../../../workers/runtime.js';
import { serveStreamWorker } from '../../../workers/stream-serve.js';
import { ENDPOINTS } from '../../kis/spec/index.js';

const concurrencyOption = () => new Option('--concurrency <n>', 'jobs processed at once per queue').default('4');

function queueList(raw: string[] | undefined): QueueName[] | undefined {
  if (!raw?.length) return undefined;
  for (const q of raw) if (!(QUEUE_NAMES as readonly string[]).includes(q)) throw new UserError(`unknown queue ${JSON.stringify(q)}; queues: ${QUEUE_NAMES.join(', ')}`);
  return raw as QueueName[];
}

export function registerPipelineCommands(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description(`run one worker pool (${POOL_KINDS.join('|')}); start as many processes as you like. Without a KIS account it uses the simulator at sim.host:sim.port`)
    .argument('<pool>', POOL_KINDS.join(' | '))
    .addOption(concurrencyOption())
    .option('--lock-ms <ms>', 'job lock; a killed worker\'s jobs are recovered after about this long', '15000')
    .action(async (pool: string, o: { concurrency: string; lockMs: string }) => {
      // `worker stream`: holds KIS WebSocket sessions instead of serving a queue (workers/stream-serve.ts).
      if (pool === 'stream') return serveStreamWorker(ctx.config().config, clockFromEnv(), ctx.logger());
      const kind = parsePoolKind(pool);
      await serveWorker(ctx.config().config, clockFromEnv(), ctx.logger(), kind, {
        concurrency: intOption('--concurrency', o.concurrency, 1, 256),
        lockDurationMs: intOption('--lock-ms', o.lockMs, 1_000, 600_000),
      });
    });

  program
    .command('run')
    .description('scheduler + every worker pool in one process (optionally the dashboard too); without a KIS account it embeds the simulator')
    .addOption(concurrencyOption())
    .option('--scheduler-only', 'run only the scheduler; the pools run as `krtrade worker <pool>` processes (run exactly one scheduler)')
    .option('--dashboard', 'also serve the dashboard')
    .option('--insecure-local', 'dashboard without credentials (only on 127.0.0.1)')
    .action(async (o: { concurrency: string; schedulerOnly?: boolean; dashboard?: boolean; insecureLocal?: boolean }) => {
      await serveAll(ctx.config().config, clockFromEnv(), ctx.logger(), {
        concurrency: intOption('--concurrency', o.concurrency, 1, 256),
        ...(o.schedulerOnly ? { schedulerOnly: true } : {}),
        ...(o.dashboard ? { dashboard: { insecureLocal: !!o.insecureLocal } } : {}),
      });
    });

  const queues = program.command('queues').description('inspect and control the job queues');
  queues
    .command('status')
    .description('paused/running, workers and job counts per queue, scheduler state, load per app key (REST calls/s vs budget, instruments, WebSocket registrations)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { config } = ctx.config();
      const s = await withQueues(config, ctx.logger(), async (q, r) => ({ ...(await pipelineStatus(q, r, config.redis.prefix)), keys: await keyLoads(r, config) }));
      ctx.print(s, !!o.json, () => `${formatStatus(s)}\n${formatKeyLoads(s.keys)}`);
    });
  queues
    .command('pause')
    .description('pause the live queues (fetch, strategy) until `queues resume`; the scheduler will not resume them')
    .argument('[queues...]', `queues to pause (default: fetch strategy); any of ${QUEUE_NAMES.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (names: string[], o: { json?: boolean }) => {
      const { config } = ctx.config();
      const list = queueList(names);
      const s = await withQueues(config, ctx.logger(), async (q, r) => {
        await pauseLive(q, r, config.redis.prefix, list);
        return pipelineStatus(q, r, config.redis.prefix);
      });
      ctx.print(s, !!o.json, () => formatStatus(s));
    });
  queues
    .command('resume')
    .description('resume queues and clear the manual pause (the scheduler pauses again outside market hours)')
    .argument('[queues...]', 'queues to resume (default: all)')
    .option('--json', 'print JSON')
    .action(async (names: string[], o: { json?: boolean }) => {
      const { config } = ctx.config();
      const list = queueList(names);
      const s = await withQueues(config, ctx.logger(), async (q, r) => {
        await resumeLive(q, r, config.redis.prefix, list);
        return pipelineStatus(q, r, config.redis.prefix);
      });
      ctx.print(s, !!o.json, () => formatStatus(s));
    });

  program
    .command('backfill')
    .description('fetch and store the missing past minute candles of one instrument (jobs paged to the KIS row cap; safe to repeat); exit 1 while any is missing')
    .requiredOption('--symbol <code>', 'KIS code: futures A01612 / 101W09, option B01612355 (call) / C01612355 (put), stock 005930')
    .requiredOption('--from <date>', 'first trading date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last trading date, YYYY-MM-DD')
    .addOption(new Option('--kind <kind>', 'data kind').choices(['candles', 'board']).default('candles'))
    .option('--account <name>', 'KIS account name from config (default: the first)')
    .option('--no-wait', 'enqueue and exit without waiting for the jobs')
    .option('--force', 'refetch minutes that are already stored too')
    .option('--json', 'print the result as JSON')
    .action(async (o: { symbol: string; from: string; to: string; kind: string; account?: string; wait: boolean; force?: boolean; json?: boolean }) => {
      if (o.kind === 'board') {
        throw new UserError('backfill --kind board: KIS keeps no option-board history (the board is a live snapshot); boards are collected live by the scheduler');
      }
      const { config } = ctx.config();
      const from = parseOr('--from', o.from);
      const to = parseOr('--to', o.to);
      const inst = parseInstrumentCode(o.symbol);
      // An option trades in bursts: a minute without trades has no candle, so only failed pages make it exit 1.
      const option = inst.kind === 'call' || inst.kind === 'put';
      const family = inst.family;
      const account = o.account ?? defaultAccountName(config);
      if (config.kis.accounts.length && !config.kis.accounts.some((a) => a.name === account)) throw new UserError(`--account ${account}: no such account in kis.accounts`);
      if (family !== 'stock' && config.kis.accounts.find((a) => a.name === account)?.env === 'paper') {
        throw new UserError(`--account ${account}: a paper app key gets no F/O market data from KIS; use a real account for ${o.symbol}`);
      }
      if (!config.kis.accounts.length && account !== SIMULATOR_ACCOUNT) {
        throw new UserError(`--account ${account}: no KIS account is configured, so the workers use the simulator (account "${SIMULATOR_ACCOUNT}"); drop --account or configure kis.accounts`);
      }
      const cap = (family === 'stock' ? ENDPOINTS.stockMinutesPast.rowCap : ENDPOINTS.foMinutes.rowCap) ?? 30;
      await withCliPool(ctx, 'krtrade-backfill', (pool) => withQueues(config, ctx.logger(), async (q, redis) => {
        // The pipeline's clock (an accelerated simulator's too): minutes that have not happened are never planned.
        const now = toKst((await pipelineClock(redis, config.redis.prefix)).now());
        const plan = planBackfill(inst.code, family, from, to, loadCalendar(config), cap, now, inst.expiry);
        if (plan.expected.length === 0) throw new UserError(`backfill: no closed trading minutes for ${o.symbol} between ${from} and ${to}`);
        const stored = pgStoredMinutes(pool);
        const range = [plan.expected[0]!, addMinutes(plan.expected.at(-1)!, 1)] as const;
        const storedNow = async () => {
          const have = await stored.candleMinutes(inst.code, ...range);
          return plan.expected.filter((m) => have.has(m)).length;
        };
        const work = missingPlan(plan, o.force ? new Set() : await stored.candleMinutes(inst.code, ...range), cap);
        const total = plan.expected.length;
        const head = `${o.symbol} ${formatKstIso(plan.expected[0]!)} … ${formatKstIso(plan.expected.at(-1)!)}`;
        if (!work.pages.length) {
          const n = await storedNow();
          ctx.print({ symbol: o.symbol, expected: total, stored: n, fetched: 0, failed: [] }, !!o.json, () => `${head}: ${n}/${total} minutes stored (nothing missing to fetch)`);
          if (n < total && !option) process.exitCode = 1;
          return;
        }
        const e = await enqueueBackfill(q, work, account, randomBytes(4).toString('hex'));
        if (!o.wait) {
          ctx.print({ symbol: o.symbol, expected: total, missing: work.minutes, jobs: e.pages.map((p) => p.fetchId) }, !!o.json, () => `${head}: enqueued ${work.minutes} missing of ${total} minutes in ${e.pages.length} jobs`);
          return;
        }
        if ((await q.queues.backfill.getWorkersCount()) === 0) process.stderr.write('note: no worker serves the backfill queue yet; start `krtrade worker fetch` or `krtrade run`\n');
        const bar = new SingleBar({ format: 'backfill [{bar}] {value}/{total} minutes stored | {failed} pages failed', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
        if (!o.json) bar.start(total, await storedNow(), { failed: 0 });
        let shown = Date.now();
        const p = await waitForBackfill(q, e, (pr) => {
          if (o.json || Date.now() - shown < 1_000) return;
          shown = Date.now();
          void storedNow().then((n) => bar.update(n, { failed: pr.failed.length }), () => undefined);
        });
        const n = await storedNow();
        if (!o.json) {
          bar.update(n, { failed: p.failed.length });
          bar.stop();
        }
        const failedText = p.failed.length ? `; ${p.failed.length} pages failed:\n${p.failed.map((f) => `  ${f.page}: ${f.reason}`).join('\n')}` : '';
        ctx.print({ symbol: o.symbol, expected: total, stored: n, fetched: work.minutes, failed: p.failed }, !!o.json, () =>
          `${head}: ${n}/${total} minutes stored${n < total ? ` (${total - n} without a bar: ${option ? 'no trade in that minute' : 'KIS had no bar for them'}, or a page failed)` : ''}${failedText}`,
        );
        if (p.failed.length || (n < total && !option)) process.exitCode = 1;
      }), { max: 2 });
    });

  program
    .command('dashboard')
    .description('bull-board for every queue (basic auth), /health and /metrics')
    .option('--insecure-local', 'run without credentials (only when bound to 127.0.0.1)')
    .option('--read-only', 'no retry/clean/remove buttons')
    .option('--port <port>', 'listen port (default: dashboard.port)')
    .action(async (o: { insecureLocal?: boolean; readOnly?: boolean; port?: string }) => {
      await serveDashboardOnly(ctx.config().config, clockFromEnv(), ctx.logger(), {
        insecureLocal: !!o.insecureLocal, ...(o.readOnly ? { readOnly: true } : {}), ...(o.port ? { port: intOption('--port', o.port, 0, 65535) } : {}),
      });
    });

  program
    .command('demo')
    .description('simulator on an accelerated clock + fresh database + scheduler, workers and dashboard')
    .option('--speed <n>', 'simulated seconds per real second', '20')
    .option('--start <time>', 'simulated start, KST YYYY-MM-DDTHH:MM (default: the next trading morning 08:43)')
    .option('--database <name>', 'database to (re)create', 'krtrade_demo')
    .option('--port <port>', 'dashboard port (default: dashboard.port, 3000)')
    .action(async (o: { speed: string; start?: string; database: string; port?: string }) => {
      const speed = Number(o.speed);
      if (!(speed > 0 && speed <= 10_000)) throw new UserError(`--speed: expected a number in (0, 10000], got ${JSON.stringify(o.speed)}`);
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(o.database)) throw new UserError('--database: lower-case letters, digits and _ only');
      // Loaded on demand: the simulator is only needed by the demo.
      const { runDemo } = await import('../../../workers/demo.js');
      await runDemo(ctx.config().config, ctx.logger(), {
        speed, database: o.database, ...(o.port !== undefined ? { port: intOption('--port', o.port, 0, 65535) } : {}), ...(o.start ? { start: o.start } : {}),
      });
    });
}

function parseOr(name: string, raw: string) {
  try {
    return parseKstDate(raw);
  } catch {
    throw new UserError(`${name}: expected a date YYYY-MM-DD, got ${JSON.stringify(raw)}`);
  }
}
