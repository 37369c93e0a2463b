/**
 * Stream workers in separate processes share three app keys through the Redis lease: each key is held
 * by exactly one of them; kill -9 of a holder hands its keys to the survivor, which records the gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { dateOf, toKst } from '../../src/time/kst.js';
import { currentHolder } from '../../src/stream/lease.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { WorkerChild, until } from './children.js';

const TAKEOVER_MS = 3_000;
const keys = ['A', 'B', 'C'].map((n) => ({ name: `key${n}`, appKey: `PSstream${n}`.padEnd(36, n), appSecret: `secret${n}`.padEnd(180, n) }));

let sim: SimulatorHandle;
let redis: Redis;
const prefix = testPrefix('stream');
const children: WorkerChild[] = [];

beforeAll(async () => {
  sim = await startSimulator({ start: '2026-12-03T10:00', speed: 5, streamIntervalMs: 50, pingIntervalMs: 400, noticeEveryMs: 0, accounts: keys, stocks: 12 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  redis?.disconnect();
  await sim?.close();
  await deleteKeys(prefix);
});

function spawnWorker(regs: Record<string, { trId: string; trKey: string }[]>): WorkerChild {
  const c = new WorkerChild({
    SIM_URL: sim.restUrl, SIM_WS: sim.wsUrl, REDIS_URL, PREFIX: prefix, TAKEOVER_MS: String(TAKEOVER_MS),
    ACCOUNTS: JSON.stringify(keys), REGS: JSON.stringify(regs), [CLOCK_ENV]: JSON.stringify(sim.clock.spec()),
  });
  children.push(c);
  return c;
}

describe('stream workers sharing app keys', () => {
  it('one holder per key, spread over the workers; kill -9 of a holder → the other takes over and records the gap', async () => {
    const stocks = sim.market.instruments(dateOf(toKst(sim.clock.now()))).filter((i) => i.kind === 'stock').slice(0, 6);
    const regs = Object.fromEntries(keys.map((k, i) => [k.name, stocks.slice(2 * i, 2 * i + 2).map((s) => ({ trId: 'H0STCNT0', trKey: s.code }))]));
    const a = spawnWorker(regs);
    const b = spawnWorker(regs);
    const holders = async (): Promise<(string | null)[]> => Promise.all(keys.map(async (k) => (await currentHolder(redis, prefix, k.appKey))?.holder ?? null));
    // Every key held, both workers holding some, records flowing.
    await until(() => a.holding().length + b.holding().length === 3 && a.holding().length > 0 && b.holding().length > 0 && a.records() > 0 && b.records() > 0, 'keys spread over both workers', 60_000);
    expect(new Set([...a.holding(), ...b.holding()])).toEqual(new Set(keys.map((k) => k.name)));
    expect((await holders()).every((h) => h !== null)).toBe(true);
    // No key was ever held by both: the simulator refuses a second session per key (OPSP8996), which
    // would show as a lost lease or a key-in-use reconnect; and every acquisition got a fresh fence.
    const fences = [...a.of('acquired'), ...b.of('acquired')].map((e) => `${e.account as string}:${e.fence as number}`);
    expect(new Set(fences).size).toBe(fences.length);

    const victim = a.holding().length >= b.holding().length ? a : b;
    const survivor = victim === a ? b : a;
    const lostKeys = victim.holding();
    const before = survivor.records();
    const killedAt = Date.now();
    victim.kill9();
    await until(() => lostKeys.every((k) => survivor.holding().includes(k)), 'the survivor to hold the dead worker’s keys', 60_000);
    const taken = survivor.of('acquired').filter((e) => lostKeys.includes(e.account as string) && (e.at as number) >= killedAt);
    expect(taken.map((e) => e.account).sort()).toEqual([...lostKeys].sort());
    expect(taken.every((e) => e.takeover === true)).toBe(true);
    const takeoverMs = Math.max(...taken.map((e) => (e.at as number) - killedAt));
    console.log(`takeover after kill -9: ${takeoverMs} ms (configured ${TAKEOVER_MS} ms)`);
    // The gap of each taken-over instrument, marked as a crash, from its last record seen to recovery.
    const lostCodes = lostKeys.flatMap((k) => regs[k]!.map((r) => r.trKey));
    await until(() => lostCodes.every((c) => survivor.of('gap').some((g) => g.reason === 'crash' && (g.codes as string[]).includes(c))), 'crash gaps for every lost instrument');
    for (const g of survivor.of('gap').filter((x) => x.reason === 'crash')) expect(g.to as number).toBeGreaterThanOrEqual(g.from as number);
    await until(() => survivor.records() > before + 20, 'records from the taken-over keys');
    expect(survivor.of('lost')).toHaveLength(0);
  }, 120_000);
});
