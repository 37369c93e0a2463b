/**
 * End-to-end harness: the simulator over real sockets on an accelerated clock, a fresh migrated database,
 * the real Redis, and the pipeline (scheduler + pools) in this process; helpers to check the result.
 */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import type { Job } from 'bullmq';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { type KstTime, addMinutes, formatKst, toKst } from '../../src/time/kst.js';
import { QUEUE_NAMES } from '../../jobs/catalog.js';
import { createRuntime, type Runtime } from '../../workers/runtime.js';
import { instrumentRules, startPools, startScheduler, type PoolKind, POOL_KINDS } from '../../workers/pools.js';
import { resolveSubscriptions } from '../../src/pipeline/subscriptions.js';
import { MinuteIndex, dueHorizon, effectiveDeadlineMs } from '../../src/pipeline/schedule.js';
import { minuteLabel } from '../../src/pipeline/ids.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import type { Scheduler } from '../../workers/scheduler.js';

const E2E_DEADLINE_MIN_REAL_MS = 5_000;

export const SUBSCRIPTIONS = [
  { rule: 'front-future', family: 'kospi200' },
  { rule: 'front-future', family: 'mini' },
  { rule: 'options', series: ['monthly', 'weekly'] },
  { rule: 'stocks', codes: ['005930'] },
];

export interface Env {
  sim: SimulatorHandle;
  db: TestDb;
  prefix: string;
  config: Config;
  rt: Runtime;
  scheduler?: Scheduler;
  /** Env for child `krtrade` processes sharing this pipeline. */
  childEnv: NodeJS.ProcessEnv;
  /** The pipeline's last log lines mentioning `subject` (a code, a board key), for failure messages. */
  logsAbout(subject: string): string;
  close(): Promise<void>;
}

export async function startEnv(o: { start: string; speed: number; pools?: readonly PoolKind[]; deadlineMs?: number; scheduler?: boolean }): Promise<Env> {
  const sim = await startSimulator({ seed: 7, start: o.start, speed: o.speed, port: 0, wsPort: 0, rateLimitPerSecond: 200 });
  const db = await createTestDb();
  const prefix = testPrefix('e2e');
  const account = { name: 'sim', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl };
  const config = configSchema.parse({
    kis: { accounts: [account], rateLimit: { realPerSecond: 200, optionBoardPerSecond: 50 } },
    database: { url: db.url },
    redis: { url: REDIS_URL, prefix },
    // The deadline floor is real time: on a loaded 2-core CI machine a few hundred real ms (50 simulated
    // seconds at 90×) is not enough for fetch → aggregate → upsert, and complete batches would run as incomplete.
    pipeline: { scheduleBufferMs: 2_000, strategyDeadlineMs: o.deadlineMs ?? 50_000, strategyDeadlineMinRealMs: E2E_DEADLINE_MIN_REAL_MS, subscriptions: SUBSCRIPTIONS },
    log: { level: 'warn' },
  });
  // The pipeline's log goes to a buffer (and to stderr with E2E_LOG=info) so a failure can say what happened.
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString().trim());
      if (logLines.length > 5_000) logLines.shift();
      if (process.env.E2E_LOG) process.stderr.write(chunk);
      done();
    },
  });
  const log = createLogger({ level: process.env.E2E_LOG ?? 'info', stream: sink });
  const rt = await createRuntime(config, sim.clock, log, 'e2e');
  startPools(rt, o.pools ?? POOL_KINDS, { concurrency: 4, lockDurationMs: 3_000 });
  const env: Env = {
    sim, db, prefix, config, rt,
    logsAbout: (subject: string) => logLines.filter((l) => l.includes(subject)).slice(-20).join('\n'),
    childEnv: {
      [CLOCK_ENV]: JSON.stringify(sim.clock.spec()),
      KRTRADE_KIS__ACCOUNTS: JSON.stringify([account]),
      KRTRADE_KIS__RATE_LIMIT__REAL_PER_SECOND: '200',
      KRTRADE_KIS__RATE_LIMIT__OPTION_BOARD_PER_SECOND: '50',
      KRTRADE_DATABASE_URL: db.url,
      KRTRADE_REDIS_URL: REDIS_URL,
      KRTRADE_REDIS_PREFIX: prefix,
      KRTRADE_LOG_LEVEL: 'warn',
    },
    async close() {
      await rt.close();
      await sim.close();
      await db.drop();
      await deleteKeys(prefix);
    },
  };
  if (o.scheduler !== false) env.scheduler = startScheduler(rt);
  return env;
}

export const simNow = (env: Env): KstTime => toKst(env.sim.clock.now());

/** The strategy deadline the scheduler uses, in simulated ms after a minute closed. */
export function deadlineMs(env: Env): number {
  const p = env.config.pipeline;
  return effectiveDeadlineMs({ strategyDeadlineMs: p.strategyDeadlineMs, bufferMs: p.scheduleBufferMs, minRealMs: p.strategyDeadlineMinRealMs, speed: env.sim.clock.speed });
}

/** Waits (real time) until the simulated clock reads `t`. */
export async function untilSim(env: Env, t: KstTime): Promise<void> {
  const left = t - simNow(env);
  if (left > 0) await new Promise((r) => setTimeout(r, env.sim.clock.toRealMs(left)));
}

/**
 * Stops scheduling at the current minute and waits until everything handed out has finished: once every job
 * scheduler's next firing is past that minute (every earlier firing was taken by a worker, its skipped
 * minutes handed back), the schedulers are removed and the queues drained. Returns the newest candle
 * minute of any instrument up to that minute.
 */
export async function settle(env: Env, timeoutMs = 30_000): Promise<KstTime> {
  await env.scheduler?.close();
  const fetch = env.rt.queues.queues.fetch;
  const ft = env.rt.services.fireTimes;
  const stop = dueHorizon(simNow(env), env.config.pipeline.scheduleBufferMs);
  const until = Date.now() + timeoutMs;
  const taken = async () => (await fetch.getJobSchedulers()).every((x) => x.next === undefined || ft.minuteOf(ft.pattern(x.pattern!), x.next) > stop);
  while (!(await taken())) {
    if (Date.now() > until) throw new Error(`job scheduler firings up to ${formatKst(stop)} were not all taken`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const x of await fetch.getJobSchedulers()) await fetch.removeJobScheduler(x.key);
  const resolved = resolveSubscriptions(env.rt.config.pipeline.subscriptions, env.rt.calendar.nextSession('derivatives', stop).tradingDate, instrumentRules(env.rt.calendar), 'sim');
  const lasts = resolved.candles.map((c) => ft.index.lastUpTo(c.products, addMinutes(stop, -24 * 60), stop, c.expiry)).filter((m) => m !== undefined);
  const lastMinute = Math.max(...lasts) as KstTime;
  // Everything handed out has fired; its strategy runs by the deadline at the latest.
  await untilSim(env, (stop + 60_000 + deadlineMs(env) + 5_000) as KstTime);
  for (;;) {
    const busy = await Promise.all(QUEUE_NAMES.map((q) => env.rt.queues.queues[q].getJobCountByTypes('waiting', 'prioritized', 'active', 'delayed')));
    if (busy.every((n) => n === 0)) break;
    if (Date.now() > until) throw new Error(`queues still busy: ${QUEUE_NAMES.map((q, i) => `${q}=${busy[i]}`).join(' ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return lastMinute;
}

export interface Verified {
  candleMinutes: number;
  batches: number;
  boards: number;
}

/** Every expected candle of every subscribed instrument in [first, last] stored exactly once and equal to the simulator's. */
export async function verifyStored(env: Env, first: KstTime, last: KstTime): Promise<Verified> {
  const rt = env.rt;
  const index = new MinuteIndex(rt.calendar);
  const resolved = resolveSubscriptions(rt.config.pipeline.subscriptions, rt.calendar.nextSession('derivatives', first).tradingDate, instrumentRules(rt.calendar), 'sim');
  for (const q of QUEUE_NAMES) {
    const failed = await rt.queues.queues[q].getFailed();
    expect(failed.map((j: Job) => `${j.id}: ${j.failedReason}`), `failed jobs in ${q}`).toEqual([]);
  }
  const batchMinutes = new Set<KstTime>();
  let candleMinutes = 0;
  for (const c of resolved.candles) {
    const minutes = index.between(c.products, addMinutes(first, -1), last, c.expiry);
    minutes.forEach((m) => batchMinutes.add(m));
    const simBars = minutes.flatMap((m) => env.sim.market.minuteBars(c.code, m, addMinutes(m, 1)));
    const stored = await rt.pool.query<{ t: KstTime; open: number; high: number; low: number; close: number; volume: number; n: number }>(
      `SELECT "timestamp" AS t, open, high, low, close, volume, count(*) OVER (PARTITION BY "timestamp") AS n
         FROM candles_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" <= $3 ORDER BY "timestamp"`,
      [c.code, formatKst(first), formatKst(last)],
    );
    expect(stored.rows.every((r) => Number(r.n) === 1), `${c.code}: a minute stored twice`).toBe(true);
    const storedAt = new Set(stored.rows.map((r) => r.t));
    const missing = simBars.map((b) => b.time).filter((t) => !storedAt.has(t));
    const why = missing.length ? `; missing ${missing.map(formatKst).join(', ')}; ${await candleJobsNear(env, c.code, missing)}\nlog:\n${env.logsAbout(c.code)}` : '';
    expect(stored.rows.map((r) => ({ time: r.t, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume })), `${c.code}${why}`).toEqual(
      simBars.map((b) => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })),
    );
    candleMinutes += simBars.length;
  }
  // Option matrices: every board minute has all its metrics, once.
  let boards = 0;
  for (const b of resolved.boards) {
    const minutes = index.between(b.products, addMinutes(first, -1), last, b.expiry);
    const r = await rt.pool.query<{ t: KstTime; n: number }>(
      `SELECT "timestamp" AS t, count(*) AS n FROM option_matrices_101 WHERE underlying_symbol = $1 AND "timestamp" >= $2 AND "timestamp" <= $3 GROUP BY 1 ORDER BY 1`,
      [`${b.underlying}:${b.expiry.replaceAll('-', '')}`, formatKst(first), formatKst(last)],
    );
    const got = new Set(r.rows.map((x) => x.t));
    const missing = minutes.filter((m) => !got.has(m));
    const why = missing.length ? `; missing ${missing.map(formatKst).join(', ')}; ${await boardJobsNear(env, b.key, missing)}\nlog:\n${env.logsAbout(b.key)}` : '';
    expect(r.rows.map((x) => x.t), `${b.key} matrix minutes${why}`).toEqual(minutes);
    expect(r.rows.every((x) => Number(x.n) === 8), `${b.key}: 8 metrics per minute`).toBe(true);
    boards += minutes.length;
  }
  // The strategy ran exactly once for every minute batch.
  const sorted = [...batchMinutes].sort((a, b) => a - b);
  for (const m of sorted) {
    const runs = await rt.redis.hget(rt.services.keys.strategyRuns(m), minuteLabel(m));
    expect(runs, `strategy runs for ${formatKst(m)}`).toBe('1');
  }
  return { candleMinutes, batches: sorted.length, boards };
}

/** The fetch jobs of one instrument or board around `minutes`, for a failure message: when each fired, was taken, what it returned. */
async function jobsNear(env: Env, matches: (data: Record<string, unknown>) => boolean, minutes: KstTime[]): Promise<string> {
  const ft = env.rt.services.fireTimes;
  const q = env.rt.queues.queues;
  const all = [...(await q.fetch.getJobs(['completed', 'failed', 'active', 'waiting', 'prioritized', 'delayed'])), ...(await q.backfill.getJobs(['completed', 'failed', 'active', 'waiting']))];
  const at = (ms?: number) => (ms ? formatKst(toKst(env.sim.clock.at(ms))) : '-');
  const lines = all
    .filter((j) => matches(j.data as Record<string, unknown>))
    .map((j) => {
      const d = j.data as { minute?: KstTime; from?: KstTime; to?: KstTime };
      const pattern = (j.opts as { repeat?: { pattern?: string } }).repeat?.pattern;
      const minute = d.minute ?? d.from ?? (pattern && j.opts.prevMillis ? ft.minuteOf(ft.pattern(pattern), j.opts.prevMillis) : undefined);
      return { j, minute, to: d.to };
    })
    .filter(({ minute, to }) => minute !== undefined && minutes.some((m) => (to !== undefined ? m >= minute && m < to : Math.abs(m - minute) <= 2 * 60_000)))
    .map(({ j, minute }) => `${j.id} for ${formatKst(minute!)}: attempts ${j.attemptsMade}, taken ${at(j.processedOn)}, done ${at(j.finishedOn)}, returned ${JSON.stringify(j.returnvalue)}`);
  return lines.length ? `jobs: ${lines.join(' | ')}` : 'no fetch job for these minutes';
}
export const candleJobsNear = (env: Env, code: string, minutes: KstTime[]) => jobsNear(env, (d) => d.code === code, minutes);
export const boardJobsNear = (env: Env, boardKey: string, minutes: KstTime[]) => jobsNear(env, (d) => d.boardKey === boardKey, minutes);

/** Strategy runs of batches in [from, to] whose batch was missing instruments at run time. */
export async function incompleteBatches(env: Env, from: KstTime, to: KstTime): Promise<string[]> {
  const done = await env.rt.queues.queues.strategy.getCompleted();
  return done
    .filter((j: Job) => {
      const m = (j.data as { minute: number }).minute;
      return m >= from && m <= to && (j.returnvalue as { missing?: string[] } | null)?.missing?.length;
    })
    .map((j: Job) => `${j.id}: ${(j.returnvalue as { missing: string[] }).missing.join(',')}`);
}
