/**
 * The phases of bench/pipeline.ts: a drain of a parked backlog (pipeline jobs/s), the same job topology with
 * no-op processors (BullMQ's own jobs/s), and a live run on the accelerated clock (latency, Redis memory).
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../../src/redis/client.js';
import { AcceleratedClock, SteerableClock } from '../../src/time/clock.js';
import { type Instant, type KstTime, addMinutes, formatKstIso, toInstant, toKst } from '../../src/time/kst.js';
import { catalog } from '../../jobs/catalog.js';
import { QUEUE_NAMES } from '../../jobs/catalog.js';
import type { Runtime } from '../../workers/runtime.js';
import { startScheduler, type instrumentRules } from '../../workers/pools.js';
import type { CandleTarget } from '../../src/pipeline/subscriptions.js';
import { jobIds } from '../../src/pipeline/ids.js';
import { dueHorizon } from '../../src/pipeline/schedule.js';

/** A clock the bench can park (practically still) and later run accelerated; the simulator process follows it. */
export class BenchClock extends SteerableClock {
  /** Tells the simulator process; resolves when it reads the same clock. */
  follower?: (c: { simStart: number; speed: number; realAnchor: number }) => Promise<void>;
  constructor(at: Instant) {
    super(new AcceleratedClock(at, PARKED));
  }
  get params() {
    return { simStart: this.inner.simStart, speed: this.inner.speed, realAnchor: this.inner.realAnchor };
  }
  /** PARKED speed: timers in clock time become very long, nothing becomes due by itself. */
  async park(at: Instant): Promise<void> {
    this.steer(new AcceleratedClock(at, PARKED));
    await this.follower?.(this.params);
  }
  async run(at: Instant, speed: number): Promise<void> {
    this.steer(new AcceleratedClock(at, speed));
    await this.follower?.(this.params);
  }
}

/** 1 ms of clock time per real second. */
const PARKED = 1e-3;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);

async function completedJobs(rt: Runtime): Promise<number> {
  await rt.services.stats.flush();
  return (await rt.services.stats.counters()).filter((c) => c.name === 'jobs_completed').reduce((n, c) => n + c.value, 0);
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

export interface DrainResult {
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  /** CPU this process used meanwhile, in cores (1 = one core busy all the time). */
  cores: number;
}

function timed(): () => { seconds: number; cores: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    return { seconds, cores: (c.user + c.system) / 1e6 / seconds };
  };
}

/** One live fetch job per instrument for minute `m`, as the instruments' job schedulers fire them (minute named in the payload). */
const liveFetches = (candles: readonly CandleTarget[], m: KstTime) =>
  candles.map((c) => ({ payload: { code: c.code, family: c.family, account: c.account, minute: m }, opts: { jobId: jobIds.fetchCandles(c.code, m) } }));

/**
 * K minute batches of live fetch jobs added while every queue is paused and the clock is parked after them,
 * then released: the time until the last batch's strategy ran (each batch opened by its first fetch, from
 * the published plan, as in live collection).
 */
export async function drainPipeline(rt: Runtime, candles: readonly CandleTarget[], firstMinute: KstTime, k: number): Promise<DrainResult> {
  const q = rt.queues.queues;
  await Promise.all(QUEUE_NAMES.map((n) => q[n].pause()));
  // Deadline far away: a strategy runs only when its batch is complete, as in a healthy live minute.
  await rt.services.batches.publishPlan({ deadlineMs: 3_600_000, candles: candles.map((c) => ({ code: c.code, products: c.products })) });
  for (let i = 0; i < k; i++) await rt.queues.addBulk('fetch-candles', liveFetches(candles, addMinutes(firstMinute, i)));
  const expected = k * (3 * candles.length + 1);
  const before = await completedJobs(rt);
  const stop = timed();
  await Promise.all(QUEUE_NAMES.map((n) => q[n].resume()));
  await waitFor('the backlog to drain', async () => (await completedJobs(rt)) - before >= expected, 300_000);
  const { seconds, cores } = stop();
  return { jobs: expected, seconds, jobsPerSecond: expected / seconds, cores };
}

/**
 * The same jobs through the same topology — fetch → aggregate → upsert chained by the workers, one strategy
 * job per batch, same payloads, options and concurrency — with processors that do nothing else.
 */
export async function drainNoop(connection: RedisClient, prefix: string, candles: readonly CandleTarget[], firstMinute: KstTime, k: number, concurrency: number, aggregatePayload: (code: string, m: KstTime) => unknown): Promise<DrainResult> {
  const names = { fetch: 'noop-fetch', aggregate: 'noop-aggregate', upsert: 'noop-upsert', strategy: 'noop-strategy' } as const;
  const queues = Object.fromEntries(Object.entries(names).map(([k2, n]) => [k2, new Queue(n, { connection, prefix })])) as Record<keyof typeof names, Queue>;
  await Promise.all(Object.values(queues).map((qq) => qq.pause()));
  let done = 0;
  const expected = k * (3 * candles.length + 1);
  const counted = () => void done++;
  const opts = (name: keyof typeof catalog, jobId: string) => ({ ...catalog[name].options, jobId });
  const workers = [
    new Worker(names.fetch, async (j: Job) => {
      const d = j.data as { code: string; minute: KstTime };
      await queues.aggregate.add('aggregate-candles', aggregatePayload(d.code, d.minute), opts('aggregate-candles', jobIds.stage('agg', j.id!)));
    }, { connection, prefix, concurrency }),
    new Worker(names.aggregate, async (j: Job) => {
      await queues.upsert.add('upsert-candles', j.data, opts('upsert-candles', `up-${j.id!.slice(4)}`));
    }, { connection, prefix, concurrency }),
    new Worker(names.upsert, async () => undefined, { connection, prefix, concurrency }),
    new Worker(names.strategy, async () => undefined, { connection, prefix, concurrency: 1 }),
  ];
  for (const w of workers) w.on('completed', counted);
  for (let i = 0; i < k; i++) {
    const m = addMinutes(firstMinute, i);
    await queues.strategy.add('run-strategy', { minute: m }, opts('run-strategy', jobIds.strategy(m)));
    await queues.fetch.addBulk(liveFetches(candles, m).map((j) => ({ name: 'fetch-candles', data: j.payload, opts: opts('fetch-candles', j.opts.jobId) })));
  }
  const stop = timed();
  await Promise.all(Object.values(queues).map((qq) => qq.resume()));
  await waitFor('the no-op backlog to drain', async () => done >= expected, 300_000);
  const { seconds, cores } = stop();
  await Promise.all(workers.map((w) => w.close()));
  for (const qq of Object.values(queues)) {
    await qq.obliterate({ force: true });
    await qq.close();
  }
  return { jobs: expected, seconds, jobsPerSecond: expected / seconds, cores };
}

/** Bytes Redis holds for every key of our prefix (MEMORY USAGE), and the server-wide used_memory (shared with others). */
export async function redisMemory(redis: RedisClient, prefix: string): Promise<{ prefixBytes: number; keys: number; usedMemory: number }> {
  let cursor = '0';
  let prefixBytes = 0;
  let keys = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) {
      const p = redis.pipeline();
      for (const key of batch) p.memory('USAGE', key);
      for (const [, v] of (await p.exec()) ?? []) prefixBytes += Number(v ?? 0);
      keys += batch.length;
    }
  } while (cursor !== '0');
  const usedMemory = Number((await redis.info('memory')).match(/used_memory:(\d+)/)?.[1] ?? NaN);
  return { prefixBytes, keys, usedMemory };
}

export interface LiveResult {
  latenciesMs: number[];
  incomplete: number;
  batches: number;
}

/**
 * The scheduler on the running clock from `start` for `minutes` simulated minutes; Redis memory printed
 * after each simulated hour. Latency = real time from a minute's close to its strategy job finishing.
 */
export async function runLive(rt: Runtime, clock: BenchClock, start: KstTime, speed: number, minutes: number, prefix: string, warmupMinutes: number): Promise<LiveResult> {
  await clock.run(toInstant(start), speed);
  // The deadline only catches a broken batch here: 20 real seconds, whatever the speed.
  rt.config.pipeline.strategyDeadlineMs = Math.round(speed * 20_000);
  const scheduler = startScheduler(rt);
  const end = addMinutes(start, minutes);
  let nextHour = addMinutes(start, 60);
  while (toKst(clock.now()) < end) {
    await sleep(100);
    if (toKst(clock.now()) >= nextHour) {
      const m = await redisMemory(rt.redis, prefix);
      console.log(`    ${formatKstIso(nextHour)} (+${(nextHour - start) / 3_600_000} h): our keys ${(m.prefixBytes / 1e6).toFixed(2)} MB in ${m.keys} keys; server used_memory ${(m.usedMemory / 1e6).toFixed(1)} MB`);
      nextHour = addMinutes(nextHour, 60);
    }
  }
  // Stop: the scheduler process, then the job schedulers (they would keep firing); the minute being fired
  // at the stop may be cut short, so only batches before it count.
  await scheduler.close();
  const stop = dueHorizon(toKst(clock.now()), rt.config.pipeline.scheduleBufferMs);
  const q = rt.queues.queues;
  for (const x of await q.fetch.getJobSchedulers()) await q.fetch.removeJobScheduler(x.key);
  await waitFor('the live run to settle', async () => {
    const busy = await Promise.all(QUEUE_NAMES.map((n) => q[n].getJobCountByTypes('waiting', 'prioritized', 'active', 'delayed')));
    return busy.every((n) => n === 0);
  }, 120_000);
  const jobs = (await q.strategy.getCompleted(0, 10_000)).filter((j: Job) => {
    const m = (j.data as { minute: number }).minute;
    return m >= addMinutes(start, warmupMinutes) && m < Math.min(end, stop - 60_000);
  });
  const latenciesMs = jobs.map((j) => j.finishedOn! - clock.realAt(toInstant(((j.data as { minute: number }).minute + 60_000) as KstTime)));
  const incomplete = jobs.filter((j) => ((j.returnvalue as { missing?: string[] } | null)?.missing?.length ?? 0) > 0).length;
  return { latenciesMs, incomplete, batches: jobs.length };
}

export type Rules = ReturnType<typeof instrumentRules>;
