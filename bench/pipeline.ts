/**
 * Pipeline benchmark: per-minute batches of N stocks (the simulator lists N with `stocks: N`) plus the three
 * front futures, against the simulator (its own process, rate limit lifted, day tapes built up front) and
 * the real Redis and PostgreSQL; scheduler and every pool run in this process. For each N it prints:
 * - drain: K minute batches handed out while the queues are paused and the clock parked, then released;
 *   pipeline jobs/s = jobs / time until the last batch's strategy ran;
 * - no-op: the same jobs through the same queue/worker topology (fetch → aggregate → upsert chained by the
 *   workers, one strategy job per batch, same payloads, options and concurrency) with processors that do
 *   nothing; BullMQ overhead ratio = pipeline jobs/s ÷ no-op jobs/s (1 = our work costs nothing beyond BullMQ);
 * - live: the scheduler on the accelerated clock; minute close → strategy done, p50/p99 in real ms
 *   (the first minutes, which include the session's catch-up backfill, are left out), and for the
 *   longest run Redis memory after each simulated hour (our keys by MEMORY USAGE, and the server's
 *   used_memory, which other processes share).
 * Goals: p99 ≤ 5 s at 500 instruments; overhead ratio ≥ 0.5.
 *
 * Usage: npx tsx bench/pipeline.ts [counts=50,500,2000]   (BENCH_LIVE=0: drain and no-op only)
 */
import { createSimMarket } from '../src/sim/market/index.js';
import { defaultCalendar } from '../src/market/calendar/index.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { type KstDate, type KstTime, parseKst, toInstant } from '../src/time/kst.js';
import { resolveSubscriptions } from '../src/pipeline/subscriptions.js';
import { deleteKeysUnder } from '../src/pipeline/redis.js';
import { createRuntime } from '../workers/runtime.js';
import { POOL_KINDS, instrumentRules, startPools } from '../workers/pools.js';
import { BenchClock, drainNoop, drainPipeline, pct, runLive } from './pipeline/phases.js';
import { startSimulatorProcess, withDatabase } from './pipeline/setup.js';

const [countsArg = '50,500,2000'] = process.argv.slice(2);
const REDIS = process.env.KRTRADE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 16;
const FUTURES = (['kospi200', 'mini', 'kosdaq150'] as const).map((family) => ({ rule: 'front-future', family }));

/** Per size: backlog batches for the drain, live speed and simulated minutes (runs of 2 h or more print the Redis memory trace). */
function plan(n: number): { k: number; speed: number; minutes: number } {
  if (n <= 100) return { k: 20, speed: 300, minutes: 180 };
  // 500: three simulated hours, so the Redis memory trace covers the goal's scale too (retention fills in minutes).
  if (n <= 1000) return { k: 6, speed: 40, minutes: 180 };
  return { k: 3, speed: 8, minutes: 12 };
}

async function run(n: number): Promise<void> {
  const p = plan(n);
  const day = '2026-11-24' as KstDate;
  const clock = new BenchClock(toInstant(parseKst('2026-11-24 10:30')));
  const tSim = performance.now();
  const sim = await startSimulatorProcess(n, clock);
  // The same seeded market as the simulator's, for the instrument list and a realistic payload.
  const market = createSimMarket({ seed: 7, stocks: n, calendar: defaultCalendar() });
  const codes = market.instruments(day).filter((i) => i.kind === 'stock').map((i) => i.code).slice(0, n);
  console.log(`\n${n} stocks + 3 futures (simulator process up and warmed in ${((performance.now() - tSim) / 1000).toFixed(1)} s, lists ${codes.length} stocks)`);
  const prefix = `krt-bench-pipe-${process.pid}-${n}`;
  try {
    await withDatabase(`krt_bench_pipe_${process.pid}_${n}`, async (dbUrl) => {
      const config = configSchema.parse({
        kis: { accounts: [{ name: 'sim', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl }], rateLimit: { realPerSecond: 1_000_000, optionBoardPerSecond: 1_000_000 } },
        database: { url: dbUrl },
        redis: { url: REDIS, prefix },
        pipeline: { subscriptions: [{ rule: 'stocks', codes }, ...FUTURES] },
      });
      const rt = await createRuntime(config, clock, createLogger({ level: 'error', stream: process.stderr }), 'bench-pipeline');
      try {
        startPools(rt, POOL_KINDS, { concurrency: CONCURRENCY });
        const resolved = resolveSubscriptions(config.pipeline.subscriptions, day, instrumentRules(rt.calendar), 'sim');
        const instruments = resolved.candles.length;

        const first = parseKst('2026-11-24 09:00') as KstTime;
        const drain = await drainPipeline(rt, resolved.candles, first, p.k);
        // The aggregate payload the pipeline really carries for one live minute (one bar).
        const bar = market.minuteBars(codes[0]!, first, (first + 60_000) as KstTime)[0]!;
        const aggPayload = (code: string, m: KstTime) => ({
          code, family: 'stock', account: 'sim', from: m, to: m + 60_000, batch: m,
          bars: [{ code, time: m, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume }],
        });
        const noop = await drainNoop(rt.redis, prefix, resolved.candles, first, p.k, CONCURRENCY, aggPayload);
        console.log(
          `  drain ${p.k} batches × ${instruments} instruments: ${drain.jobs} jobs in ${drain.seconds.toFixed(1)} s = ${drain.jobsPerSecond.toFixed(0)} jobs/s ` +
            `(${((drain.cores * 1000) / drain.jobsPerSecond).toFixed(2)} ms CPU/job here, ${drain.cores.toFixed(2)} cores); ` +
            `no-op: ${noop.jobsPerSecond.toFixed(0)} jobs/s (${((noop.cores * 1000) / noop.jobsPerSecond).toFixed(2)} ms CPU/job); ` +
            `BullMQ overhead ratio ${(drain.jobsPerSecond / noop.jobsPerSecond).toFixed(2)}`,
        );

        if (process.env.BENCH_LIVE === '0') return;
        if (p.minutes >= 120) console.log('  redis memory while live:');
        const warmup = 3;
        const live = await runLive(rt, clock, parseKst('2026-11-25 08:59:30') as KstTime, p.speed, p.minutes, prefix, warmup);
        console.log(
          `  live ${p.minutes} min at ${p.speed}× (a minute every ${(60 / p.speed).toFixed(1)} s real): minute close → strategy done ` +
            `p50 ${pct(live.latenciesMs, 50).toFixed(0)} ms, p99 ${pct(live.latenciesMs, 99).toFixed(0)} ms over ${live.batches} batches ` +
            `(first ${warmup} min left out); ${live.incomplete} ran at the deadline with instruments missing`,
        );
      } finally {
        await rt.close();
      }
    });
  } finally {
    await sim.close();
    await deleteKeysUnder(REDIS, prefix);
  }
}

for (const n of countsArg.split(',').map(Number)) await run(n);
