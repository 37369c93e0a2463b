/**
 * Pipeline benchmark: per-minute batches against the simulator (rate limit lifted) on an accelerated clock.
 * Prints, per instrument count: minute close → strategy done (p50/p99, real ms), pipeline jobs/s, and the
 * BullMQ overhead ratio (pipeline jobs/s ÷ no-op jobs/s on the same Redis, measured in the same run), plus
 * Redis memory after each simulated hour.
 *
 * Usage: npx tsx bench/pipeline.ts [counts=50,500,2000] [simMinutes=60] [speed=30]
 * The simulator lists a limited universe of stocks and futures; a count above it runs with all of them
 * and says so.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startSimulator } from '../src/sim/index.js';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { createPool } from '../src/db/pool.js';
import { migrate } from '../src/db/migrate.js';
import { type KstTime, dateOf, formatKstIso, parseKst, toKst } from '../src/time/kst.js';
import { createRuntime } from '../workers/runtime.js';
import { POOL_KINDS, startPools, startScheduler } from '../workers/pools.js';
import pg from 'pg';

const [countsArg = '50,500,2000', minutesArg = '60', speedArg = '30'] = process.argv.slice(2);
const REDIS = process.env.KRTRADE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = process.env.KRTRADE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);

async function noopJobsPerSecond(redis: Redis, prefix: string, n: number): Promise<number> {
  const q = new Queue('noop', { connection: redis, prefix });
  const t0 = Date.now();
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const w = new Worker('noop', async () => undefined, { connection: redis, prefix, concurrency: 16 });
    w.on('completed', () => ++done === n && void w.close().then(resolve));
  });
  await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete: 1000 } })));
  await finished;
  await q.obliterate({ force: true });
  await q.close();
  return n / ((Date.now() - t0) / 1000);
}

async function run(requested: number, simMinutes: number, speed: number): Promise<void> {
  const start = '2026-11-24T08:58:30';
  const sim = await startSimulator({ seed: 7, start, speed, port: 0, wsPort: 0, rateLimitPerSecond: 100_000 });
  const universe = sim.market.instruments(dateOf(toKst(sim.clock.now()))).filter((i) => i.kind === 'stock').map((i) => i.code);
  const codes = universe.slice(0, requested);
  const dbName = `krt_bench_${process.pid}_${requested}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  const mp = createPool(dbUrl, { max: 1 });
  await migrate(mp);
  await mp.end();
  const prefix = `krt-bench-${process.pid}-${requested}`;
  const config = configSchema.parse({
    kis: { accounts: [{ name: 'sim', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl }], rateLimit: { realPerSecond: 100_000, optionBoardPerSecond: 100_000 } },
    database: { url: dbUrl }, redis: { url: REDIS, prefix },
    pipeline: { strategyDeadlineMs: 55_000, subscriptions: [{ rule: 'stocks', codes }] },
  });
  const rt = await createRuntime(config, sim.clock, createLogger({ level: 'error', stream: process.stderr }), 'bench');
  startPools(rt, POOL_KINDS, { concurrency: 16 });
  const t0 = Date.now();
  startScheduler(rt);
  const end = (parseKst('2026-11-24 09:00') + simMinutes * 60_000) as KstTime;
  let nextHour: number = parseKst('2026-11-24 10:00');
  while (toKst(sim.clock.now()) < end + 120_000) {
    await new Promise((r) => setTimeout(r, 250));
    if (toKst(sim.clock.now()) >= nextHour) {
      const mem = (await rt.redis.info('memory')).match(/used_memory:(\d+)/)?.[1];
      console.log(`  ${formatKstIso(nextHour as KstTime)} redis used_memory ${(Number(mem) / 1e6).toFixed(1)} MB`);
      nextHour += 3_600_000;
    }
  }
  const elapsed = (Date.now() - t0) / 1000;
  const strategyJobs: Job[] = await rt.queues.queues.strategy.getCompleted(0, 10_000);
  // Minute close (its bar closes at minute + 1 min) → strategy job finished, in real ms.
  const latencies = strategyJobs.map((j) => j.finishedOn! - Number(sim.clock.spec().kind === 'accelerated' ? toRealInstant(sim.clock.spec(), (j.data as { minute: number }).minute + 60_000) : 0));
  const counts = await Promise.all(Object.values(rt.queues.queues).map((q) => q.getJobCountByTypes('completed')));
  const jobs = counts.reduce((a, b) => a + b, 0);
  const pipelineRate = jobs / elapsed;
  const noop = await noopJobsPerSecond(rt.redis, prefix, Math.max(2_000, Math.min(20_000, jobs)));
  console.log(
    `instruments ${codes.length}${codes.length < requested ? ` (asked ${requested}; the simulator lists ${universe.length} stocks)` : ''}: ` +
      `close→strategy p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms over ${latencies.length} batches; ` +
      `${pipelineRate.toFixed(0)} jobs/s (pipeline, load-bound by the clock) vs ${noop.toFixed(0)} jobs/s no-op; ratio ${(pipelineRate / noop).toFixed(2)}`,
  );
  await rt.close();
  await sim.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  const r = new Redis(REDIS);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  r.disconnect();
}

/** Real instant at which an accelerated clock reads wall-clock `k` (KST → instant → real). */
function toRealInstant(spec: { kind: 'accelerated'; simStart: number; realAnchor: number; speed: number } | { kind: 'real' }, k: number): number {
  if (spec.kind !== 'accelerated') return k;
  const instant = k - 9 * 3_600_000;
  return spec.realAnchor + (instant - spec.simStart) / spec.speed;
}

for (const n of countsArg.split(',').map(Number)) await run(n, Number(minutesArg), Number(speedArg));
