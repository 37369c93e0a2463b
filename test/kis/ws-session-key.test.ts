/** One session per app key: KIS's OPSP8996, our Redis lease, the silence watchdog, sharding. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsApprovalError, WsConnectionError, WsKeyInUseError } from '../../src/kis/ws/errors.js';
import { ShardedWsStream } from '../../src/kis/ws/shard.js';
import { SessionLease } from '../../src/kis/ws/lease.js';
import { appKeyId, createKisClient } from '../../src/kis/client.js';
import { approvalKeyFrom } from '../../src/kis/ws/approval.js';
import { REDIS_URL } from '../helpers/redis.js';
import { type Rig, busiest, startRig, until } from './ws-sim-helpers.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ start: '2026-11-24T10:00', speed: 5 });
});
afterAll(() => rig?.close());

describe('one session per app key', () => {
  it('OPSP8996: a second session gets a typed error, waits the long back-off, and takes over once the first closes', async () => {
    const fut = busiest(rig.sim, 'future').code;
    const a = rig.client();
    a.c.start();
    await a.c.subscribe('H0IFCNT0', fut);
    const b = rig.client({ keyInUseBackoffMs: 700 });
    b.c.start();
    const bSub = b.c.subscribe('H0IFCNT0', fut);
    await until(() => b.errors.some((e) => e instanceof WsKeyInUseError), 'OPSP8996 on the second session');
    const e = b.errors.find((x): x is WsKeyInUseError => x instanceof WsKeyInUseError)!;
    expect(e).toMatchObject({ source: 'server', code: 'OPSP8996', retryInMs: 700 });
    expect(b.states).toContain('waiting-for-key');
    // While A holds the key, B does not hammer the server: at most one more attempt in 500 ms.
    const attempts = b.states.filter((s) => s === 'connecting').length;
    await new Promise((r) => setTimeout(r, 500));
    expect(b.states.filter((s) => s === 'connecting').length - attempts).toBeLessThanOrEqual(1);
    expect(b.records).toEqual([]);
    await a.c.close();
    await bSub;
    await until(() => b.records.some((r) => r.tr === 'H0IFCNT0'), 'records on the second client');
    await b.c.close();
  });

  it('the Redis lease keeps a second process from even connecting; it connects when the lease is released', async () => {
    const fut = busiest(rig.sim, 'future').code;
    const lease = { redis: rig.redis, redisPrefix: rig.prefix, leaseTtlMs: 3_000, keyInUseBackoffMs: 300 };
    const a = rig.client(lease);
    a.c.start();
    await a.c.subscribe('H0IFCNT0', fut);
    const b = rig.client(lease);
    b.c.start();
    const bSub = b.c.subscribe('H0IFCNT0', fut);
    await until(() => b.errors.some((e) => e instanceof WsKeyInUseError && e.source === 'lease'), 'the lease refusal');
    expect(b.states).not.toContain('connecting');
    expect(b.errors.some((e) => e.code === 'OPSP8996')).toBe(false);
    await a.c.close();
    await bSub;
    expect(b.states).toContain('open');
    await b.c.close();
    // Released on close: anyone can take it now.
    const probe = new SessionLease(rig.redis, rig.prefix, rig.sim.appKey, 1_000);
    expect(await probe.acquire()).toBe(true);
    await probe.release();
  });

  it('the lease key never contains the app key', () => {
    const l = new SessionLease(rig.redis, 'p', rig.sim.appKey, 1_000);
    expect(l.key).not.toContain(rig.sim.appKey);
    expect(l.key).toMatch(/^p:kis:ws-lease:[0-9a-f]{24}$/);
  });
});

describe('approval key', () => {
  it('OPSP0011: reports WsApprovalError without the key, invalidates it, and reconnects with a fresh one', async () => {
    const fut = busiest(rig.sim, 'future').code;
    const bogus = 'a2585daf-8c09-4587-9fce-8ab893000000';
    let calls = 0;
    const rejected: string[] = [];
    const w = rig.client({
      approvalKey: { get: async () => (++calls === 1 ? bogus : rig.kis.approvalKey()), invalidate: (k) => void rejected.push(k) },
    });
    w.c.start();
    await w.c.subscribe('H0IFCNT0', fut);
    const e = w.errors.find((x) => x instanceof WsApprovalError)!;
    expect(e).toMatchObject({ code: 'OPSP0011' });
    expect(e.message).not.toContain(bogus);
    expect(rejected).toEqual([bogus]);
    expect(calls).toBe(2);
    await until(() => w.records.length > 0, 'records with the fresh key');
    await w.c.close();
  });

  it('OPSP0011 on the key cached in Redis: approvalKeyFrom(kis) drops it there, so no process offers it again', async () => {
    const fut = busiest(rig.sim, 'future').code;
    // A key KIS no longer knows (expired, or issued by a simulator that restarted), shared by all processes.
    const stale = 'c0ffee00-8c09-4587-9fce-8ab893000000';
    const cacheKey = `${rig.prefix}:kis:${appKeyId(rig.sim.appKey)}:approval`;
    await rig.redis.set(cacheKey, stale, 'PX', 600_000);
    expect(await rig.kis.approvalKey()).toBe(stale);
    const w = rig.client({ approvalKey: approvalKeyFrom(rig.kis) });
    w.c.start();
    await w.c.subscribe('H0IFCNT0', fut);
    expect(w.errors.filter((x) => x instanceof WsApprovalError)).toHaveLength(1);
    await until(() => w.records.length > 0, 'records with the fresh key');
    const fresh = await rig.redis.get(cacheKey);
    expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh).not.toBe(stale);
    // Another process on the same app key now gets the fresh key, not the rejected one.
    const other = createKisClient({
      account: { name: 'other', env: 'real', appKey: rig.sim.appKey, appSecret: rig.sim.appSecret, restUrl: rig.sim.restUrl },
      redisUrl: REDIS_URL, prefix: rig.prefix, clock: rig.sim.clock,
    });
    try {
      expect(await other.approvalKey()).toBe(fresh);
    } finally {
      await other.close();
    }
    await w.c.close();
  });
});

describe('silence watchdog', () => {
  it('reconnects when neither data nor PINGPONG arrives for silenceTimeoutMs', async () => {
    const w = rig.client({ settings: { reconnectMinMs: 100, reconnectMaxMs: 200, silenceTimeoutMs: 250 } });
    w.c.start();
    // An unknown code: KIS (and the simulator) accept it and never send data for it. PINGPONG comes every 400 ms.
    await w.c.subscribe('H0IFCNT0', 'ZZZZZZ');
    await until(() => w.c.counters.connects >= 2, 'a reconnect after silence');
    expect(w.errors.some((e) => e instanceof WsConnectionError && /no frame/.test(e.message))).toBe(true);
    expect(w.gaps.length).toBeGreaterThanOrEqual(1);
    expect(w.gaps[0]!.subscriptions).toEqual([{ trId: 'H0IFCNT0', trKey: 'ZZZZZZ' }]);
    await w.c.close();
  });
});

describe('sharding across app keys', () => {
  it('spreads registrations over the app keys’ sessions and refuses beyond their total', async () => {
    const keys = [1, 2].map((i) => ({ appKey: `PSshardKey${i}`.padEnd(36, 'x'), appSecret: `secret${i}`.padEnd(180, 'y') }));
    const shardRig = await startRig({ start: '2026-11-24T10:00', speed: 5, accounts: keys });
    const kisFor = keys.map((k) =>
      createKisClient({ account: { name: k.appKey, env: 'real', ...k, restUrl: shardRig.sim.restUrl }, redisUrl: REDIS_URL, prefix: shardRig.prefix, clock: shardRig.sim.clock }),
    );
    const stream = new ShardedWsStream({
      accounts: keys.map((k, i) => ({ name: `key${i + 1}`, appKey: k.appKey, approvalKey: approvalKeyFrom(kisFor[i]!), url: shardRig.sim.wsUrl })),
      clock: shardRig.sim.clock,
      subscribeIntervalMs: 0,
      settings: { maxSubscriptionsPerSession: 2, reconnectMinMs: 100, reconnectMaxMs: 200 },
    });
    try {
      const fut = busiest(shardRig.sim, 'future').code;
      const got = new Set<string>();
      stream.on('record', (r, shard) => got.add(`${shard}:${r.tr}`));
      expect(stream.capacity).toBe(4);
      for (const tr of ['H0IFCNT0', 'H0IFASP0', 'H0ZFCNT0', 'H0ZFASP0']) await stream.subscribe(tr, fut);
      await expect(stream.subscribe('H0STCNT0', '005930')).rejects.toThrow(/at most 4 registrations/);
      expect(stream.assignments()).toEqual([
        { shard: 'key1', subscriptions: [{ trId: 'H0IFCNT0', trKey: fut }, { trId: 'H0IFASP0', trKey: fut }] },
        { shard: 'key2', subscriptions: [{ trId: 'H0ZFCNT0', trKey: fut }, { trId: 'H0ZFASP0', trKey: fut }] },
      ]);
      await until(() => got.has('key1:H0IFCNT0') && got.has('key2:H0ZFCNT0'), 'records through both sessions');
    } finally {
      await stream.close();
      await Promise.all(kisFor.map((k) => k.close()));
      await shardRig.close();
    }
  });
});
