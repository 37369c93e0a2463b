/**
 * The pipeline on a Redis Cluster (3 masters + 3 replicas started by the test, torn down after): scheduler,
 * every worker pool and the simulator on an accelerated clock, through the faults a cluster has — the master
 * serving krtrade's slot handing over to its replica (CLUSTER FAILOVER), then a master killed outright and
 * replaced by its replica. Each scenario counts every expected candle against the simulator: 0 missing,
 * 0 stored twice, 0 wrong; and every key krtrade wrote is in its one hash-tagged slot.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.js';
import { dataNodes, scanKeys } from '../../src/redis/client.js';
import { type ChaosEnv, startChaosEnv } from '../chaos/harness.js';
import { type Fault, SCENARIO_SUBSCRIPTIONS, formatResult, runScenario } from '../chaos/scenario.js';
import { type LocalCluster, keySlot, startLocalCluster } from './local-cluster.js';

/** Simulated seconds per real second (as the chaos suite). */
const SPEED = 20;
let cluster: LocalCluster | undefined;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  cluster = await startLocalCluster();
}, 90_000);
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
}, 60_000);
afterAll(() => cluster?.close());

async function pipelineOnCluster(): Promise<{ env: ChaosEnv; slot: number }> {
  const db = await createTestDb({ migrate: false });
  closers.push(() => db.drop());
  const env = await startChaosEnv({ start: '2026-11-24T10:00:30', speed: SPEED, databaseUrl: db.url, redisUrl: cluster!.url, subscriptions: SCENARIO_SUBSCRIPTIONS, scheduler: true });
  closers.push(() => env.close());
  expect(env.config.redis.prefix).toBe(`{${env.prefix}}`);
  return { env, slot: await keySlot(cluster!, env.config.redis.prefix) };
}

async function expectNothingLost(env: ChaosEnv, fault: Fault): Promise<void> {
  const r = await runScenario(env, fault, { cleanMs: 120_000, maxWaitMs: 60_000 });
  process.stdout.write(`cluster: ${formatResult(r)}\n`);
  expect(r.expected).toBeGreaterThan(0);
  expect({ missing: r.missing, duplicates: r.duplicates, wrong: r.wrong }).toEqual({ missing: 0, duplicates: 0, wrong: 0 });
}

/** Every key under the test's prefix, on every master, is in `slot` (BullMQ's queues included). */
async function expectOneSlot(env: ChaosEnv, slot: number): Promise<void> {
  const prefix = env.config.redis.prefix;
  const keys = await scanKeys(env.rt.redis, `*${env.prefix}*`);
  expect(keys.some((k) => k.startsWith(`${prefix}:fetch:`))).toBe(true);
  expect(keys.filter((k) => !k.startsWith(`${prefix}:`))).toEqual([]);
  const inSlot = await Promise.all((await dataNodes(env.rt.redis)).map(async (n) => Number(await n.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)))));
  expect(inSlot.reduce((a, b) => a + b, 0)).toBe(keys.length);
}

describe('pipeline on a Redis Cluster', () => {
  it('the master serving krtrade fails over to its replica mid-session: nothing lost, nothing twice', async () => {
    const { env, slot } = await pipelineOnCluster();
    const c = cluster!;
    let before: number | undefined;
    await expectNothingLost(env, {
      name: 'CLUSTER FAILOVER of krtrade\'s master',
      durationMs: 20_000,
      start: async () => {
        const { master, replica } = await c.owners(slot);
        before = master.port;
        await c.failover(replica);
        await c.waitOk(slot);
      },
      end: async () => undefined,
    });
    expect((await c.owners(slot)).master.port).not.toBe(before);
    await expectOneSlot(env, slot);
  }, 150_000);

  it('the master serving krtrade is killed (kill -9), its replica takes over, the node comes back as a replica', async () => {
    const { env, slot } = await pipelineOnCluster();
    const c = cluster!;
    const { master } = await c.owners(slot);
    await expectNothingLost(env, {
      name: 'kill -9 of krtrade\'s master',
      durationMs: 20_000,
      start: async () => {
        await c.kill(master);
        await c.waitOk(slot);
      },
      end: async () => {
        await c.restart(master);
        await c.waitOk(slot);
      },
    });
    expect((await c.owners(slot)).master.port).not.toBe(master.port);
    await expectOneSlot(env, slot);
  }, 150_000);
});
