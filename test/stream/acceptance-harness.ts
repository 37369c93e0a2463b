/**
 * The stream acceptance harness: the simulator (three app keys, recording what it sends) on an
 * accelerated clock, a fresh database, the whole pipeline (scheduler and every pool) in this process with
 * `strategyInput: ticks`, and the stream workers either in this process or as `krtrade worker stream`
 * child processes (to kill one with SIGKILL). Checks live in acceptance-verify.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { type KstTime, dateOf, parseKst, toKst } from '../../src/time/kst.js';
import { resolveSubscriptions } from '../../src/pipeline/subscriptions.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { createRuntime, type Runtime } from '../../workers/runtime.js';
import { POOL_KINDS, instrumentRules, startPools, startScheduler } from '../../workers/pools.js';
import type { Scheduler } from '../../workers/scheduler.js';
import { startStreamService, type StreamService } from '../../workers/stream.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { BIN } from '../helpers/cli.js';

export const TAKEOVER_MS = 3_000;
const ECHO = new URL('./fixtures/echo-strategy.ts', import.meta.url).pathname;
const KEYS = ['A', 'B', 'C'].map((n) => ({ name: `key${n}`, appKey: `PSaccept${n}`.padEnd(36, n), appSecret: `secret${n}`.padEnd(180, n) }));

export interface StreamEnv {
  sim: SimulatorHandle;
  db: TestDb;
  prefix: string;
  config: Config;
  rt: Runtime;
  scheduler: Scheduler;
  /** The in-process stream service (absent with child workers). */
  svc?: StreamService;
  children: ChildProcess[];
  /** Candle instruments (REST bars and tick bars both); also the echo strategy's instruments. */
  candleCodes: string[];
  spawnStreamWorker(): ChildProcess;
  /** Stops the stream workers cleanly (their recorders flush), then everything else. */
  stopStream(): Promise<void>;
  close(): Promise<void>;
}

export const simNow = (env: StreamEnv): KstTime => toKst(env.sim.clock.now());

/** Waits (real time) until the simulated clock reads `t`. */
export async function untilSim(env: StreamEnv, t: KstTime): Promise<void> {
  while (simNow(env) < t) await new Promise((r) => setTimeout(r, Math.min(200, Math.max(5, env.sim.clock.toRealMs(t - simNow(env))))));
}

export async function startStreamEnv(o: { start: string; speed: number; faults?: string; childWorkers?: number; stocks?: boolean; reconnectMs?: number }): Promise<StreamEnv> {
  const sim = await startSimulator({
    seed: 7, start: o.start, speed: o.speed, port: 0, wsPort: 0, rateLimitPerSecond: 200, accounts: KEYS, recordSent: true,
    // The simulator skips (never sends) what a stall of its loop longer than 20 intervals missed, as KIS
    // would: 250 ms makes that 5 real s, so the loaded machine's stalls do not make the REST tape differ.
    streamIntervalMs: 250, noticeEveryMs: 0, pingIntervalMs: 2_000, ...(o.faults ? { faults: o.faults } : {}),
  });
  const db = await createTestDb();
  const prefix = testPrefix('accept');
  const date = dateOf(toKst(sim.clock.now()));
  const stocks = sim.market.instruments(date).filter((i) => i.kind === 'stock').map((i) => i.code);
  const streamedOnly = stocks.filter((c) => c !== '005930' && c !== '000660').slice(0, 18);
  // 20 stocks × 2 + futures 3 + options (1 strike each side: 3 strikes × call/put × 2) = 55 by day: two keys' worth.
  const subscriptions = [
    ...(o.stocks === false ? [] : [
      { rule: 'stocks', codes: ['005930', '000660'], kinds: ['candles', 'ticks', 'quotes'] },
      { rule: 'stocks', codes: streamedOnly, kinds: ['ticks', 'quotes'] },
    ]),
    { rule: 'front-future', family: 'kospi200', kinds: ['candles', 'ticks', 'quotes'] },
    { rule: 'front-future', family: 'mini', kinds: ['candles', 'ticks'] },
    { rule: 'options', series: ['monthly'], kinds: ['board', 'ticks', 'quotes'] },
  ];
  const probe = configSchema.parse({ pipeline: { subscriptions } });
  const cal = instrumentRules(defaultCalendar());
  const candleCodes = resolveSubscriptions(probe.pipeline.subscriptions, date, cal, 'keyA').candles.map((c) => c.code).sort();
  const accounts = KEYS.map((k) => ({ ...k, restUrl: sim.restUrl, wsUrl: sim.wsUrl }));
  const file = {
    kis: { accounts, rateLimit: { realPerSecond: 200, optionBoardPerSecond: 50 }, ws: { subscribeIntervalMs: 0, reconnectMinMs: o.reconnectMs ?? 100, reconnectMaxMs: o.reconnectMs ?? 400, silenceTimeoutMs: 10_000 } },
    database: { url: db.url },
    redis: { url: REDIS_URL, prefix },
    pipeline: { scheduleBufferMs: 2_000, strategyInput: 'ticks', strategyDeadlineMs: 50_000, strategyDeadlineMinRealMs: 20_000, subscriptions },
    // Child workers: a short takeover to kill one; in this busy process, the default 10 s (a 6 s lease).
    stream: { takeoverMs: o.childWorkers ? TAKEOVER_MS : 10_000, replanMs: 1_000, optionStrikesPerSide: 1 },
    strategies: [{ name: 'echo', module: ECHO, instruments: candleCodes }],
    log: { level: 'warn' },
  };
  const config = configSchema.parse(file);
  const rt = await createRuntime(config, sim.clock, createLogger({ level: process.env.E2E_LOG ?? 'silent' }), 'accept');
  startPools(rt, POOL_KINDS, { concurrency: 4, lockDurationMs: 5_000 });
  const scheduler = startScheduler(rt);
  const dir = mkdtempSync(join(tmpdir(), 'krt-accept-'));
  const configFile = join(dir, 'krtrade.config.json');
  writeFileSync(configFile, JSON.stringify(file));
  const children: ChildProcess[] = [];
  const env: StreamEnv = {
    sim, db, prefix, config, rt, scheduler, children, candleCodes,
    spawnStreamWorker() {
      const child = spawn(process.execPath, [BIN, '--config', configFile, 'worker', 'stream'], {
        env: { ...process.env, [CLOCK_ENV]: JSON.stringify(sim.clock.spec()), NO_COLOR: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.on('exit', (code, sig) => {
        if (code !== 0 && sig !== 'SIGKILL' && sig !== 'SIGTERM') process.stderr.write(`stream worker exited ${code}: ${err}\n`);
      });
      children.push(child);
      return child;
    },
    async stopStream() {
      await env.svc?.close();
      await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise<void>((r) => {
        c.once('exit', () => r());
        c.kill('SIGTERM');
      })));
    },
    async close() {
      await env.stopStream();
      await scheduler.close();
      await rt.close();
      await sim.close();
      await db.drop();
      await deleteKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (o.childWorkers) for (let i = 0; i < o.childWorkers; i++) env.spawnStreamWorker();
  else env.svc = await startStreamService(rt);
  return env;
}

export { parseKst };
