/**
 * Which KIS the `krtrade kis …` commands talk to: a configured account, a running simulator
 * (`--sim-url`), or — with no account configured — a simulator started in this process for the command.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { KisAccounts } from '../../kis/accounts.js';
import { createKisClient, type KisClient } from '../../kis/client.js';
import { clockFromEnv } from '../../time/clock.js';
import { defaultAccount } from '../../sim/credentials.js';

export interface KisTargetOptions {
  account?: string;
  simUrl?: string;
}

export interface KisSession {
  client: KisClient;
  /** Human description of the target, for messages. */
  target: string;
  close(): Promise<void>;
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export async function openKisSession(ctx: CliContext, o: KisTargetOptions): Promise<KisSession> {
  const { config } = ctx.config();
  const logger = ctx.logger();
  const clock = clockFromEnv();
  const common = {
    redisUrl: config.redis.url,
    custtype: config.kis.custtype,
    requestTimeoutMs: config.kis.requestTimeoutMs,
    tokenRefreshBeforeMs: config.kis.tokenRefreshBeforeMs,
    tokenIssueIntervalMs: config.kis.tokenIssueIntervalMs,
    rateLimit: config.kis.rateLimit,
    logger,
  };
  if (o.simUrl) {
    if (!/^https?:\/\/[^/]+/.test(o.simUrl)) throw new UserError(`--sim-url: expected http://HOST:PORT, got ${JSON.stringify(o.simUrl)}`);
    const configured = config.kis.accounts.find((a) => (o.account ? a.name === o.account : true));
    if (o.account && !configured) throw new UserError(`--account: no KIS account named ${JSON.stringify(o.account)}`);
    const creds = configured ?? { ...defaultAccount(config.sim.seed, config.sim.mode), name: 'sim', env: config.sim.mode };
    const client = createKisClient({
      ...common,
      account: { name: configured?.name ?? 'sim', env: configured?.env ?? config.sim.mode, appKey: creds.appKey, appSecret: creds.appSecret, restUrl: o.simUrl },
      prefix: config.redis.prefix,
      clock,
    });
    return { client, target: `simulator at ${o.simUrl}`, close: () => client.close() };
  }
  if (config.kis.accounts.length) {
    const accounts = KisAccounts.fromConfig(config, { clock, logger });
    try {
      const client = accounts.get(o.account);
      return { client, target: `KIS ${client.env} account ${client.name}`, close: () => accounts.close() };
    } catch (e) {
      await accounts.close();
      throw e;
    }
  }
  if (o.account) throw new UserError(`--account ${o.account}: no KIS accounts are configured (the embedded simulator is used)`);
  const { startSimulator } = await import('../../sim/index.js');
  const sim = await startSimulator({
    seed: config.sim.seed,
    speed: config.sim.speed,
    mode: config.sim.mode,
    host: '127.0.0.1',
    port: 0,
    wsPort: 0,
    ...(config.sim.start ? { start: config.sim.start } : {}),
  });
  // A private namespace: this simulator's tokens mean nothing to any other.
  const prefix = `${config.redis.prefix}:cli-sim-${randomBytes(4).toString('hex')}`;
  const client = createKisClient({
    ...common,
    account: { name: 'sim', env: config.sim.mode, appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl },
    prefix,
    clock: sim.clock,
  });
  let closed = false;
  return {
    client,
    target: 'embedded simulator',
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
      await deleteKeys(config.redis.url, prefix).catch(() => undefined);
      await sim.close();
    },
  };
}
