/**
 * Which KIS the `krtrade kis …` commands talk to: a configured account, a running simulator
 * (`--sim-url`), or — with no account configured — a simulator started in this process for the command.
 * Redis is checked first, so a Redis outage is one line before any work starts.
 */
import { randomBytes } from 'node:crypto';
import { type RedisClient, createRedisClient } from '../../redis/client.js';
import type { CliContext } from '../context.js';
import { UserError } from '../../errors.js';
import { KisAccounts } from '../../kis/accounts.js';
import { createKisClient, logRedisErrors, type KisClient } from '../../kis/client.js';
import { KisError } from '../../kis/errors.js';
import { KIS_HOSTS } from '../../kis/spec/index.js';
import { clockFromEnv } from '../../time/clock.js';
import { defaultAccount } from '../../sim/credentials.js';
import { checkRedis, explainRedisErrors } from './redis-errors.js';
import { deleteKeysUnder } from '../../pipeline/redis.js';

export interface KisTargetOptions {
  account?: string;
  simUrl?: string;
}

export interface KisSession {
  client: KisClient;
  /** Human description of the target, for messages. */
  target: string;
  /** The target's WebSocket endpoint; absent for `--sim-url` (its WebSocket port is not known). */
  ws?: { url: string; appKey: string };
  /** Connection and prefix for the one-WebSocket-session-per-app-key lease (configured accounts only). */
  lease?: { redis: RedisClient; prefix: string };
  close(): Promise<void>;
}


/** Opens the session the options ask for; the caller must `close()` it (idempotent). */
export async function openKisSession(ctx: CliContext, o: KisTargetOptions): Promise<KisSession> {
  const { config } = ctx.config();
  if (o.simUrl && !/^https?:\/\/[^/]+/.test(o.simUrl)) throw new UserError(`--sim-url: expected http://HOST:PORT, got ${JSON.stringify(o.simUrl)}`);
  await checkRedis(config.redis.url);
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
    // One connection shared by the clients and the WebSocket lease.
    const redis = createRedisClient(config.redis.url, { maxRetriesPerRequest: 2 });
    logRedisErrors(redis, logger);
    const accounts = KisAccounts.fromConfig(config, { clock, logger, redis });
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await accounts.close();
      await redis.quit().catch(() => redis.disconnect());
    };
    try {
      const client = accounts.get(o.account);
      const acct = config.kis.accounts.find((a) => a.name === client.name)!;
      return {
        client,
        target: `KIS ${client.env} account ${client.name}`,
        ws: { url: acct.wsUrl ?? KIS_HOSTS[acct.env].ws, appKey: acct.appKey },
        lease: { redis, prefix: config.redis.prefix },
        close,
      };
    } catch (e) {
      await close();
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
  // A private namespace: this simulator's tokens and approval keys mean nothing to any other.
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
    ws: { url: sim.wsUrl, appKey: sim.appKey },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
      await deleteKeysUnder(config.redis.url, prefix).catch(() => undefined);
      await sim.close();
    },
  };
}

/** App-key errors: the server does not know the key or secret it was given. */
const UNKNOWN_CREDENTIALS = new Set(['EGW00103', 'EGW00105']);

/**
 * `--sim-url` without a configured account sends the credentials of `sim.seed`; a simulator started with
 * another seed refuses them. Says how to give the right ones instead of "invalid AppKey".
 */
export function explainSimCredentials(e: unknown, o: KisTargetOptions, ctx: CliContext): unknown {
  const { config } = ctx.config();
  if (!o.simUrl || config.kis.accounts.length || !(e instanceof KisError) || !UNKNOWN_CREDENTIALS.has(e.code ?? '')) return e;
  return new UserError(
    `the simulator at ${o.simUrl} refused the credentials of seed ${config.sim.seed} (${e.code}): it was started with another seed; ` +
      'pass its seed (KRTRADE_SIM__SEED=N or sim.seed), or configure the appkey/appsecret it printed (KIS_APP_KEY, KIS_APP_SECRET)',
    { cause: e },
  );
}

/** Runs `run` in a session that is always closed; a Redis connection lost on the way is a one-line error. */
export async function withKisSession<T>(ctx: CliContext, o: KisTargetOptions, run: (s: KisSession) => Promise<T>): Promise<T> {
  const s = await openKisSession(ctx, o);
  try {
    return await explainRedisErrors(() => run(s), ctx.config().config.redis.url);
  } catch (e) {
    throw explainSimCredentials(e, o, ctx);
  } finally {
    await s.close();
  }
}
