/**
 * Fault: kill -9 of each worker kind (fetch, aggregate, upsert, strategy) mid-batch, several times, as
 * `krtrade worker <kind>` processes. What must hold: the surviving processes pick up the killed workers' jobs
 * (BullMQ's stalled-job recovery once the job lock expires) and every candle is stored once, equal to the
 * simulator's, within 2 simulated minutes of the last kill, and no strategy batch runs twice.
 *
 * Normal suite: the pools run in this process too (they survive) and one child per kind is killed once.
 * `npm run chaos` (CHAOS_FULL=1): two children per kind and nothing in this process; 3 rounds kill one child of
 * every kind, each restarted after it died as the shipped systemd unit (Restart=on-failure) would, while the
 * other child of its kind carries on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { POOL_KINDS, POOL_QUEUES, type PoolKind } from '../../workers/pools.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { toKst } from '../../src/time/kst.js';
import { startChaosEnv, type ChaosEnv } from './harness.js';
import { type Fault, SCENARIO_SUBSCRIPTIONS, formatResult, runScenario } from './scenario.js';
import { WorkerProcesses, type WorkerProcess } from './worker-processes.js';

const FULL = process.env.CHAOS_FULL === '1';
const SPEED = 20;
/** The children's job lock (`--lock-ms`): a killed worker's jobs are recovered about this long after the kill (real ms). */
const LOCK_MS = 2_000;
const ROUNDS = FULL ? 3 : 1;
const PER_KIND = FULL ? 2 : 1;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
}, 60_000);

interface KillRecord {
  kind: PoolKind;
  pid: number;
  /** Jobs active in the kind's queues at the kill (0: it fell between batches). */
  active: number;
}

/** Active jobs in the queues a kind serves. */
async function activeJobs(env: ChaosEnv, kind: PoolKind): Promise<number> {
  let n = 0;
  for (const q of POOL_QUEUES[kind]) n += await env.rt.queues.queues[q].getActiveCount();
  return n;
}

function killFault(workers: WorkerProcesses, kills: KillRecord[]): Fault {
  let loop: Promise<void> | undefined;
  return {
    name: `kill -9 of each worker kind ×${ROUNDS}`,
    // Long enough for every kill; `end` waits for the loop anyway.
    durationMs: ROUNDS * POOL_KINDS.length * 15_000,
    async start(env) {
      loop = (async () => {
        for (let round = 0; round < ROUNDS; round++) {
          for (const kind of POOL_KINDS) {
            // Full form: a sibling stays serving (a restarted child may still be starting).
            const readyOfKind = () => workers.live.filter((w) => w.kind === kind && w.isReady);
            const readyBy = Date.now() + 60_000;
            while (readyOfKind().length < PER_KIND && Date.now() < readyBy) await new Promise((r) => setTimeout(r, 50));
            const victim = readyOfKind()[0] ?? workers.live.find((w) => w.kind === kind)!;
            // Mid-batch: wait (at most 1.5 simulated minutes) until the kind's queues have work in flight.
            const waitUntil = Date.now() + env.sim.clock.toRealMs(90_000);
            let active = 0;
            while ((active = await activeJobs(env, kind)) === 0 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 10));
            await workers.kill(victim);
            kills.push({ kind, pid: victim.child.pid!, active });
            // The supervisor restarts it (full form); it joins while its sibling serves the queue.
            if (FULL) workers.start(kind);
          }
        }
      })();
    },
    async end() {
      await loop;
    },
  };
}

/** Waits for every child's `worker ready`; fails with their last output when one is not ready in time. */
async function readyOrFail(started: WorkerProcess[], workers: WorkerProcesses, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker processes not ready after ${ms} ms:\n${workers.output.join('').slice(-2_000)}`)), ms);
  });
  try {
    await Promise.race([Promise.all(started.map((w) => w.ready)), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fault suite: worker processes killed', () => {
  it(`kill -9 of each worker kind mid-batch (${FULL ? 'full' : 'short'} form)`, async () => {
    const db: TestDb = await createTestDb({ migrate: false });
    closers.push(() => db.drop());
    const env = await startChaosEnv({
      start: '2026-11-24T10:00:30', speed: SPEED, databaseUrl: db.url, subscriptions: SCENARIO_SUBSCRIPTIONS, scheduler: true,
      pools: FULL ? [] : POOL_KINDS,
    });
    closers.push(() => env.close());
    const workers = new WorkerProcesses(env, LOCK_MS);
    closers.push(() => workers.close());
    const started: WorkerProcess[] = [];
    for (const kind of POOL_KINDS) for (let i = 0; i < PER_KIND; i++) started.push(workers.start(kind));
    await readyOrFail(started, workers, 90_000);

    const kills: KillRecord[] = [];
    const r = await runScenario(env, killFault(workers, kills), { cleanMs: 30_000, maxWaitMs: 30_000 });
    const midBatch = kills.filter((k) => k.active > 0).length;
    process.stdout.write(`chaos: ${formatResult(r)}  kills ${kills.length} (${midBatch} with jobs in flight)\n`);

    if (r.missing) {
      const counts = Object.fromEntries(await Promise.all(Object.entries(env.rt.queues.queues).map(async ([n, q]) => [n, await q.getJobCounts()] as const)));
      process.stdout.write(`chaos: queues ${JSON.stringify(counts)}\nchaos: workers ${workers.live.map((w) => `${w.kind}:${w.isReady}`).join(' ')}\n${env.logLines.filter((l) => /"level":(40|50)/.test(l)).slice(-20).join('\n')}\n`);
    }
    expect(kills.map((k) => k.kind)).toEqual(Array.from({ length: ROUNDS }, () => POOL_KINDS).flat());
    expect(r.expected).toBeGreaterThan(0);
    expect({ missing: r.missing, duplicates: r.duplicates, wrong: r.wrong }).toEqual({ missing: 0, duplicates: 0, wrong: 0 });
    expect(r.goalMet).toBe(true);
    // No strategy batch ran twice: the once-per-batch counters of the day are all 1.
    const keys = env.rt.services.keys;
    const runs = await env.rt.redis.hgetall(keys.strategyRuns(toKst(env.sim.clock.now())));
    expect(Object.values(runs).length).toBeGreaterThan(0);
    expect(Object.values(runs).filter((n) => n !== '1')).toEqual([]);
  }, FULL ? 300_000 : 120_000);
});
