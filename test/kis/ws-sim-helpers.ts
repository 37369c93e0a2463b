/** Shared set-up for the realtime client's integration tests: the simulator over real sockets, real Redis. */
import { Redis } from 'ioredis';
import { createKisClient, type KisClient } from '../../src/kis/client.js';
import { KisWsClient, approvalKeyFrom, type KisWsClientOptions, type WsGap } from '../../src/kis/ws/index.js';
import type { WsError } from '../../src/kis/ws/errors.js';
import type { WsRecord } from '../../src/kis/ws/records.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import type { Instrument } from '../../src/market/types.js';
import { addMinutes, dateOf, toKst } from '../../src/time/kst.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';

export interface Rig {
  sim: SimulatorHandle;
  kis: KisClient;
  redis: Redis;
  prefix: string;
  client(extra?: Partial<KisWsClientOptions>): Watched;
  close(): Promise<void>;
}

/** A client with everything it emitted collected. */
export interface Watched {
  c: KisWsClient;
  records: WsRecord[];
  errors: WsError[];
  gaps: WsGap[];
  states: string[];
}

export async function startRig(opts: Parameters<typeof startSimulator>[0]): Promise<Rig> {
  const sim = await startSimulator({ streamIntervalMs: 50, pingIntervalMs: 400, noticeEveryMs: 0, ...opts });
  const prefix = testPrefix('ws');
  const kis = createKisClient({
    account: { name: 'sim', env: 'real', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl },
    redisUrl: REDIS_URL,
    prefix,
    clock: sim.clock,
  });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  const clients: KisWsClient[] = [];
  return {
    sim,
    kis,
    redis,
    prefix,
    client(extra = {}) {
      const c = new KisWsClient({
        url: sim.wsUrl,
        appKey: sim.appKey,
        approvalKey: approvalKeyFrom(kis),
        clock: sim.clock,
        subscribeIntervalMs: 0,
        settings: { reconnectMinMs: 100, reconnectMaxMs: 400, silenceTimeoutMs: 5_000 },
        ...extra,
      });
      clients.push(c);
      const w: Watched = { c, records: [], errors: [], gaps: [], states: [] };
      c.on('record', (r) => w.records.push(r));
      c.on('error', (e) => w.errors.push(e));
      c.on('gap', (g) => w.gaps.push(g));
      c.on('state', (s) => w.states.push(s));
      return w;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await kis.close();
      redis.disconnect();
      await sim.close();
      await deleteKeys(prefix);
    },
  };
}

/** The instrument of `kind` with the most trades in the next minutes of simulated time (so data flows). */
export function busiest(sim: SimulatorHandle, kind: Instrument['kind'], minutes = 5): Instrument {
  const now = toKst(sim.clock.now());
  const list = sim.market.instruments(dateOf(now)).filter((i) => i.kind === kind);
  let best = list[0]!, most = -1;
  for (const i of list.slice(0, 60)) {
    const n = sim.market.trades(i.code, now, addMinutes(now, minutes)).length;
    if (n > most) [best, most] = [i, n];
  }
  return best;
}

export async function until(cond: () => boolean, what: string, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
