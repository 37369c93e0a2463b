/**
 * A pipeline with its own Redis: the simulator over real sockets on an accelerated clock, a fresh migrated
 * database, a private `redis-server` on a free port (so a test may stop and restart it), and the scheduler
 * and pools in this process. Helpers count what PostgreSQL holds against what the simulator printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { type KstTime, addMinutes, formatKst, toKst } from '../../src/time/kst.js';
import { createRuntime, type Runtime } from '../../workers/runtime.js';
import { instrumentRules, startPools, startScheduler, POOL_KINDS } from '../../workers/pools.js';
import { resolveSubscriptions } from '../../src/pipeline/subscriptions.js';
import { MinuteIndex } from '../../src/pipeline/schedule.js';
import type { Scheduler } from '../../workers/scheduler.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { freePort } from '../helpers/ports.js';
import { testPrefix } from '../helpers/redis.js';

export const CANDLE_SUBS = [
  { rule: 'front-future', family: 'kospi200' },
  { rule: 'stocks', codes: ['005930'] },
];

/** A private redis-server keeping nothing on disk (as many deployments): a restart comes back empty. */
export class OwnRedis {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort());
    await r.up();
    return r;
  }

  async up(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused while the server starts: the loop retries
    const until = Date.now() + 15_000;
    try {
      for (;;) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch {
          probe.disconnect();
          if (Date.now() > until) throw new Error(`redis-server on ${this.port} did not start`);
          await new Promise((res) => setTimeout(res, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL: everything in memory is gone. */
  async down(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((res) => c.once('exit', res));
    c.kill('SIGKILL');
    await exited;
  }
}

export interface RepairEnv {
  sim: SimulatorHandle;
  db: TestDb;
  redis: OwnRedis;
  config: Config;
  rt: Runtime;
  scheduler: Scheduler;
  logs: string[];
  close(): Promise<void>;
}

export async function startRepairEnv(o: { start: string; speed: number; repair?: Record<string, number> }): Promise<RepairEnv> {
  const sim = await startSimulator({ seed: 7, start: o.start, speed: o.speed, port: 0, wsPort: 0, rateLimitPerSecond: 200 });
  const db = await createTestDb();
  const redis = await OwnRedis.start();
  const account = { name: 'sim', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl };
  const config = configSchema.parse({
    kis: { accounts: [account], rateLimit: { realPerSecond: 200, optionBoardPerSecond: 50 } },
    database: { url: db.url },
    redis: { url: redis.url, prefix: testPrefix('repair') },
    pipeline: { scheduleBufferMs: 2_000, strategyDeadlineMs: 50_000, strategyDeadlineMinRealMs: 5_000, subscriptions: CANDLE_SUBS },
    repair: o.repair ?? {},
    log: { level: 'warn' },
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString().trim());
      if (logs.length > 5_000) logs.shift();
      if (process.env.E2E_LOG) process.stderr.write(chunk);
      done();
    },
  });
  const log = createLogger({ level: process.env.E2E_LOG ?? 'info', stream: sink });
  const rt = await createRuntime(config, sim.clock, log, 'repair-test');
  startPools(rt, POOL_KINDS, { concurrency: 4, lockDurationMs: 3_000 });
  const scheduler = startScheduler(rt);
  return {
    sim, db, redis, config, rt, scheduler, logs,
    async close() {
      await rt.close();
      await sim.close();
      await redis.down();
      await db.drop();
    },
  };
}

export const simNow = (env: RepairEnv): KstTime => toKst(env.sim.clock.now());

/** Waits (real time) until the simulated clock reads `t`. */
export async function untilSim(env: RepairEnv, t: KstTime): Promise<void> {
  const left = t - simNow(env);
  if (left > 0) await new Promise((r) => setTimeout(r, env.sim.clock.toRealMs(left)));
}

/** Per subscribed candle code: the simulator's bars in [first, last] that PostgreSQL lacks, and minutes stored twice. */
export async function candleGaps(env: RepairEnv, codes: readonly string[], first: KstTime, last: KstTime): Promise<{ missing: string[]; duplicates: string[] }> {
  const missing: string[] = [];
  const duplicates: string[] = [];
  for (const code of codes) {
    const simBars = env.sim.market.minuteBars(code, first, addMinutes(last, 1));
    const r = await env.rt.pool.query<{ t: KstTime; n: string }>(
      'SELECT "timestamp" AS t, count(*) AS n FROM candles_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" <= $3 GROUP BY 1',
      [code, formatKst(first), formatKst(last)],
    );
    const have = new Set(r.rows.map((x) => x.t));
    missing.push(...simBars.filter((b) => !have.has(b.time)).map((b) => `${code} ${formatKst(b.time)}`));
    duplicates.push(...r.rows.filter((x) => Number(x.n) > 1).map((x) => `${code} ${formatKst(x.t)}`));
  }
  return { missing, duplicates };
}

/** Polls (real time) until `check` returns true or `timeoutMs` passes; returns whether it did. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, pollMs = 250): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The candle codes the subscriptions resolve to on the trading date of `at`. */
export function candleCodes(env: RepairEnv, at: KstTime): string[] {
  const date = env.rt.calendar.nextSession('derivatives', at).tradingDate;
  return resolveSubscriptions(env.config.pipeline.subscriptions, date, instrumentRules(env.rt.calendar), 'sim').candles.map((c) => c.code);
}

export const minuteIndex = (env: RepairEnv) => new MinuteIndex(env.rt.calendar);
