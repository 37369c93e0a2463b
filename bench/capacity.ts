/**
 * Capacity: the whole KRX universe of the simulator on this machine. ≈2,800 stocks, every listed index
 * future (KOSPI200, mini, KOSDAQ150, all expiries) and the KOSPI200 option boards (nearest monthly, weekly
 * Thursday and weekly Monday expiries), collected every minute over as many app keys as KIS's REST budget
 * needs, plus realtime trades on the 41 × keys most active stocks (by the previous day's traded value)
 * through the stream worker. Scheduler, every pool and the stream worker run in this process as
 * `krtrade run` would; the simulator runs in its own process (KIS is remote), Redis is a server of the
 * bench's own (so its CPU is ours alone), PostgreSQL the shared one (only our database's backends counted).
 *
 * The session is shortened and accelerated (say so in any figure quoted): `minutes` simulated minutes of the
 * stock session at `speed`× (one minute every 60/speed real seconds), so the load per real second is
 * `speed` times a real session's. KIS's limits are scaled by the same factor (rateLimit × speed), so each
 * key's share of the work is what it would be at 1×.
 *
 * Prints: minute close → strategy done p50/p99 (goal p99 ≤ 5 s; ratio p99 ÷ goal), backlog (goal: none;
 * every batch done before the next minute's firing, none at the deadline incomplete), CPU per
 * instrument-minute (pipeline process, Redis, PostgreSQL backends), and the hosts a 10× load would need.
 * Baseline in the same run: the same universe's candles drained flat out from a parked two-minute backlog
 * (bench/pipeline's drain); the ratio drain rate ÷ live load is the headroom left in this process.
 *
 * Usage: npx tsx bench/capacity.ts [stocks=2800] [speed=4] [minutes=15]   (BENCH_STREAM=0: without the realtime stream)
 * The machine's load average is printed at the start and end: on a shared machine, latency follows it.
 */
import { cpus, loadavg } from 'node:os';
import { configSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { createPool } from '../src/db/pool.js';
import { defaultCalendar } from '../src/market/calendar/index.js';
import { createSimMarket } from '../src/sim/market/index.js';
import { accountBudgets, balanceAccounts, CALLS_PER_MINUTE } from '../src/pipeline/account-balance.js';
import { resolveSubscriptions } from '../src/pipeline/subscriptions.js';
import { type KstDate, type KstTime, parseKst, toInstant } from '../src/time/kst.js';
import { createRuntime } from '../workers/runtime.js';
import { POOL_KINDS, instrumentRules, startPools } from '../workers/pools.js';
import { startStreamService } from '../workers/stream.js';
import { statsKey } from '../src/stream/status.js';
import { BenchClock, drainPipeline, pct, runLive } from './pipeline/phases.js';
import { startSimulatorProcess, withDatabase } from './pipeline/setup.js';
import { pgBackendCpu, procCpuSeconds, sampleBacklog, startOwnRedis } from './capacity/probe.js';

const [stocksArg = '2800', speedArg = '4', minutesArg = '15'] = process.argv.slice(2);
const STOCKS = Number(stocksArg);
const SPEED = Number(speedArg);
const MINUTES = Number(minutesArg);
const GOAL_P99_MS = 5_000;
const CONCURRENCY = 16;
const KIS_REST_PER_SECOND = 20;
const HEADROOM = 0.9;
const WS_PER_KEY = 41;
/** A host is sized to run at most this busy, leaving room for bursts and catch-up. */
const HOST_TARGET_UTILISATION = 0.6;
const DAY = '2026-11-25' as KstDate;
/** The baseline drains two minutes of the next trading day, after the live run (fresh job ids, same-day endpoint). */
const BASELINE_DAY = '2026-11-26' as KstDate;

const calendar = defaultCalendar();
const market = createSimMarket({ seed: 7, stocks: STOCKS, calendar });
const listed = market.instruments(DAY);
const stockCodes = listed.filter((i) => i.kind === 'stock').map((i) => i.code);
const futureCodes = listed.filter((i) => i.kind === 'future').map((i) => i.code);
// Most active = largest traded value on the previous trading day.
const prev = calendar.previousTradingDay(DAY);
const byValue = stockCodes
  .map((code) => ({ code, value: (market.dailyBar(code, prev)?.close ?? 0) * (market.dailyBar(code, prev)?.volume ?? 0) }))
  .sort((a, b) => b.value - a.value)
  .map((x) => x.code);

const subscriptionsWith = (streamed: readonly string[]) => [
  { rule: 'stocks', codes: stockCodes.filter((c) => !streamed.includes(c)) },
  ...(streamed.length ? [{ rule: 'stocks', codes: [...streamed], kinds: ['candles', 'ticks'] }] : []),
  ...futureCodes.map((code) => ({ rule: 'code', code })),
  { rule: 'options', series: ['monthly', 'weekly-thu', 'weekly-mon'] },
];

// Keys: enough for the REST budget at KIS's real limits (1,080 calls/min a key with the 0.9 headroom).
const rules = instrumentRules(calendar);
const universe = resolveSubscriptions(configSchema.parse({ pipeline: { subscriptions: subscriptionsWith([]) } }).pipeline.subscriptions, DAY, rules, 'k0');
const callsPerMinute = universe.candles.length * CALLS_PER_MINUTE.candle + universe.boards.length * CALLS_PER_MINUTE.board;
const KEYS = Math.ceil(callsPerMinute / (KIS_REST_PER_SECOND * HEADROOM * 60));
const streamed = byValue.slice(0, WS_PER_KEY * KEYS);
const instruments = universe.candles.length + universe.boards.length;

console.log(
  `universe ${DAY}: ${stockCodes.length} stocks, ${futureCodes.length} futures, ${universe.boards.length} option boards = ${instruments} instruments, ` +
    `${callsPerMinute} REST calls/min → ${KEYS} app keys; realtime trades on the ${streamed.length} most active stocks (41 × ${KEYS}); ` +
    `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores; ${MINUTES} simulated minutes at ${SPEED}× (a minute every ${(60 / SPEED).toFixed(1)} s real; shortened, accelerated session)`,
);

const clock = new BenchClock(toInstant(parseKst(`${DAY} 08:58:30`)));
const tSim = performance.now();
const sim = await startSimulatorProcess(STOCKS, clock, KEYS, [DAY, BASELINE_DAY]);
console.log(`  simulator process up and warmed in ${((performance.now() - tSim) / 1000).toFixed(1)} s`);
const redis = await startOwnRedis();
const prefix = `krt-bench-cap-${process.pid}`;
const dbName = `krt_bench_cap_${process.pid}`;
try {
  await withDatabase(dbName, async (dbUrl) => {
    const config = configSchema.parse({
      kis: {
        accounts: sim.accounts.map((a, i) => ({ name: `k${i}`, appKey: a.appKey, appSecret: a.appSecret, restUrl: sim.restUrl, wsUrl: sim.wsUrl })),
        rateLimit: { realPerSecond: KIS_REST_PER_SECOND * SPEED, headroom: HEADROOM, optionBoardPerSecond: SPEED },
      },
      database: { url: dbUrl },
      redis: { url: redis.url, prefix },
      pipeline: { subscriptions: subscriptionsWith(streamed) },
    });
    const balanced = balanceAccounts(resolveSubscriptions(config.pipeline.subscriptions, DAY, rules, 'k0'), accountBudgets(config));
    console.log(`  REST load per key (calls/min at 1×): ${balanced.load.map((l) => `${l.name} ${l.load}/${Math.floor(l.callsPerMinute / SPEED)}`).join(', ')}${balanced.warnings.length ? `; ${balanced.warnings.join('; ')}` : ''}`);
    const rt = await createRuntime(config, clock, createLogger({ level: 'error', stream: process.stderr }), 'bench-capacity');
    const statsPool = createPool(dbUrl, { max: 1 });
    try {
      startPools(rt, POOL_KINDS, { concurrency: CONCURRENCY });
      const stream = process.env.BENCH_STREAM === '0' ? undefined : await startStreamService(rt);
      if (stream) rt.closers.add('stream', stream);
      const pg0 = await pgBackendCpu(statsPool, dbName);
      const [cpu0, redis0, sim0, t0] = [process.cpuUsage(), procCpuSeconds(redis.pid), procCpuSeconds(sim.pid), performance.now()];
      const backlog = sampleBacklog(rt, 500);
      const warmup = 3;
      const live = await runLive(rt, clock, parseKst(`${DAY} 08:59:30`) as KstTime, SPEED, MINUTES, prefix, warmup);
      const b = await backlog.stop();
      const seconds = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(cpu0);
      const appCpu = (c.user + c.system) / 1e6;
      const redisCpu = procCpuSeconds(redis.pid) - redis0;
      const simCpu = procCpuSeconds(sim.pid) - sim0;
      const pg1 = await pgBackendCpu(statsPool, dbName);
      const pgCpu = [...pg1].reduce((s, [pid, v]) => s + v - (pg0.get(pid) ?? 0), 0);
      const streamRecords = Number(await rt.redis.hget(statsKey(prefix), 'lag_count')) || 0;
      const minuteRealMs = 60_000 / SPEED;
      const late = live.latenciesMs.filter((ms) => ms >= minuteRealMs).length;
      const p50 = pct(live.latenciesMs, 50);
      const p99 = pct(live.latenciesMs, 99);
      const instrumentMinutes = instruments * MINUTES;
      const totalCpu = appCpu + redisCpu + pgCpu;
      const msPerIm = (totalCpu * 1000) / instrumentMinutes;
      // At 1× a real session brings `instruments` instrument-minutes per real minute; 10× that load:
      const cores10x = (10 * instruments * msPerIm) / 60_000;
      const coresPerHost = cpus().length;
      const hosts10x = Math.ceil(cores10x / (coresPerHost * HOST_TARGET_UTILISATION));
      const noBacklog = late === 0 && live.incomplete === 0;
      console.log(
        `  minute close → strategy done: p50 ${(p50 / 1000).toFixed(2)} s, p99 ${(p99 / 1000).toFixed(2)} s over ${live.batches} batches (first ${warmup} min left out); ` +
          `p99 ÷ goal ${(p99 / GOAL_P99_MS).toFixed(2)} → goal p99 ≤ 5 s ${p99 <= GOAL_P99_MS ? 'MET' : 'NOT MET'}`,
      );
      console.log(
        `  backlog: ${late} batch(es) finished after the next minute's firing (${(minuteRealMs / 1000).toFixed(1)} s real), ${live.incomplete} ran at the deadline incomplete, ` +
          `at most ${b.maxQueued} jobs queued in fetch/aggregate/upsert (${b.samples} samples) → goal no backlog ${noBacklog ? 'MET' : 'NOT MET'}`,
      );
      console.log(
        `  CPU over ${seconds.toFixed(0)} s real: pipeline process ${appCpu.toFixed(1)} s, Redis ${redisCpu.toFixed(1)} s, PostgreSQL backends ${pgCpu.toFixed(1)} s ` +
          `= ${(totalCpu / seconds).toFixed(2)} of ${coresPerHost} cores (${((totalCpu / seconds / coresPerHost) * 100).toFixed(0)} %); the simulator process (KIS, not counted) ${simCpu.toFixed(1)} s; machine load average now ${loadavg()[0]!.toFixed(1)}; stream records stored: ${streamRecords}`,
      );
      console.log(
        `  CPU per instrument-minute: ${msPerIm.toFixed(2)} ms (${instrumentMinutes} instrument-minutes, realtime stream included); ` +
          `10× this universe at 1× speed = ${cores10x.toFixed(2)} cores → ${hosts10x} host(s) of ${coresPerHost} cores at ≤ ${HOST_TARGET_UTILISATION * 100} % busy ` +
          `(+ PostgreSQL/Redis sized on their own; simulator CPU not counted)`,
      );
      // Baseline: two parked minute batches of the whole universe (next day, clock parked after them), drained flat out.
      await stream?.close();
      await clock.park(toInstant(parseKst(`${BASELINE_DAY} 10:30`)));
      const drain = await drainPipeline(rt, balanced.candles, parseKst(`${BASELINE_DAY} 09:00`) as KstTime, 2);
      const drainImPerSecond = (2 * balanced.candles.length) / drain.seconds;
      const drainMsPerIm = (drain.cores * drain.seconds * 1000) / (2 * balanced.candles.length);

      const liveImPerSecond = (instruments * SPEED) / 60;
      console.log(
        `  baseline (same run): the same universe drained flat out from a parked backlog: ${drainImPerSecond.toFixed(0)} instrument-minutes/s at ${drainMsPerIm.toFixed(2)} ms CPU each (this process); ` +
          `ratio drain ÷ live load (${liveImPerSecond.toFixed(0)}/s) = ${(drainImPerSecond / liveImPerSecond).toFixed(1)}× headroom; live CPU ÷ drain CPU per instrument-minute (this process) = ${((appCpu * 1000) / instrumentMinutes / drainMsPerIm).toFixed(2)}`,
      );
    } finally {
      await statsPool.end();
      await rt.close();
    }
  });
} finally {
  await sim.close();
  await redis.close();
}
process.exit(0);
