/**
 * A fault scenario's pipeline: the simulator over real sockets on an accelerated clock, the scenario's own
 * PostgreSQL (and, where it stops Redis, its own Redis), and worker pools in this process. The log goes to a
 * buffer so a scenario can count what an operator would have read.
 */
import { Writable } from 'node:stream';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { createPool } from '../../src/db/pool.js';
import { migrate } from '../../src/db/migrate.js';
import { createRuntime, type Runtime } from '../../workers/runtime.js';
import { startPools, startScheduler, type PoolKind, POOL_KINDS } from '../../workers/pools.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';

export interface ChaosEnv {
  sim: SimulatorHandle;
  rt: Runtime;
  config: Config;
  prefix: string;
  /** Every log line the pipeline wrote (JSON), oldest first. */
  logLines: string[];
  close(): Promise<void>;
}

export interface ChaosOptions {
  start: string;
  speed: number;
  databaseUrl: string;
  redisUrl?: string;
  pools?: readonly PoolKind[];
  /** Pipeline subscriptions; with `scheduler`, the live job schedulers run too. */
  subscriptions?: unknown[];
  scheduler?: boolean;
}

export async function startChaosEnv(o: ChaosOptions): Promise<ChaosEnv> {
  const migrator = createPool(o.databaseUrl, { max: 1, applicationName: 'krtrade-chaos-migrate' });
  await migrate(migrator);
  await migrator.end();
  const sim = await startSimulator({ seed: 7, start: o.start, speed: o.speed, port: 0, wsPort: 0, rateLimitPerSecond: 200 });
  const prefix = testPrefix('chaos');
  const redisUrl = o.redisUrl ?? REDIS_URL;
  const account = { name: 'sim', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl };
  const config = configSchema.parse({
    kis: { accounts: [account], rateLimit: { realPerSecond: 200, optionBoardPerSecond: 50 } },
    database: { url: o.databaseUrl },
    redis: { url: redisUrl, prefix },
    // As in the e2e harness: a real-time floor for the strategy deadline on a loaded CI machine.
    pipeline: { scheduleBufferMs: 2_000, strategyDeadlineMs: 50_000, strategyDeadlineMinRealMs: 5_000, ...(o.subscriptions ? { subscriptions: o.subscriptions } : {}) },
    log: { level: 'info' },
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(line);
      if (process.env.CHAOS_LOG) process.stderr.write(chunk);
      done();
    },
  });
  const log = createLogger({ level: 'info', stream: sink });
  const rt = await createRuntime(config, sim.clock, log, 'chaos');
  startPools(rt, o.pools ?? POOL_KINDS, { concurrency: 4, lockDurationMs: 3_000 });
  if (o.scheduler) startScheduler(rt);
  let closed: Promise<void> | undefined;
  return {
    sim, rt, config, prefix, logLines,
    close() {
      return (closed ??= (async () => {
        await rt.close();
        await sim.close();
        if (!o.redisUrl) await deleteKeys(prefix);
      })());
    },
  };
}

/** Polls `get` until it returns a value (real time), or fails naming `what`. */
export async function until<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
