/** Starts the KIS simulator on loopback and a client for its app key, with a private Redis namespace. */
import { startSimulator } from '../../src/sim/index.js';
import { createKisClient, type KisClient, type KisClientOptions } from '../../src/kis/client.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';

export type SimHandle = Awaited<ReturnType<typeof startSimulator>>;
export type SimOptions = NonNullable<Parameters<typeof startSimulator>[0]>;

export interface SimClient {
  sim: SimHandle;
  client: KisClient;
  prefix: string;
  /** Another client (as another process would have) on the same app key and namespace. */
  another(extra?: Partial<KisClientOptions>): KisClient;
  close(): Promise<void>;
}

/** A Tuesday mid-morning: today's minutes exist, yesterday was a full trading day. */
export const TEST_START = '2026-11-24T10:30';

export async function startSimClient(sim: SimOptions = {}, extra: Partial<KisClientOptions> = {}): Promise<SimClient> {
  const handle = await startSimulator({ seed: 7, start: TEST_START, speed: 1, host: '127.0.0.1', port: 0, wsPort: 0, ...sim });
  const prefix = testPrefix('kis');
  const clients: KisClient[] = [];
  const make = (more: Partial<KisClientOptions> = {}): KisClient => {
    const c = createKisClient({
      account: { name: 'sim', env: sim.mode ?? 'real', appKey: handle.appKey, appSecret: handle.appSecret, restUrl: handle.restUrl },
      redisUrl: REDIS_URL,
      prefix,
      clock: handle.clock,
      ...extra,
      ...more,
    });
    clients.push(c);
    return c;
  };
  const client = make();
  return {
    sim: handle,
    client,
    prefix,
    another: make,
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await handle.close();
      await deleteKeys(prefix);
    },
  };
}
