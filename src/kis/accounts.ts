/**
 * Several KIS accounts (app keys) in one deployment: one client per configured account, keyed by
 * account name, sharing one Redis connection. Real and paper accounts can live side by side.
 */
import { type RedisClient, createRedisClient } from '../redis/client.js';
import type { Config } from '../config/schema.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Clock } from '../time/clock.js';
import { createKisClient, logRedisErrors, type KisClient } from './client.js';
import type { KisEnv } from './http.js';

export interface KisAccountsDeps {
  clock?: Clock;
  logger?: Logger;
  /** Shared connection (not closed here); else one is opened from `config.redis.url` and closed by close(). */
  redis?: RedisClient;
}

export class KisAccounts {
  private readonly clients = new Map<string, KisClient>();
  private closed = false;

  private constructor(
    clients: KisClient[],
    private readonly ownedRedis: RedisClient | undefined,
  ) {
    for (const c of clients) this.clients.set(c.name, c);
  }

  static fromConfig(config: Config, deps: KisAccountsDeps = {}): KisAccounts {
    const names = new Set<string>();
    for (const a of config.kis.accounts) {
      if (names.has(a.name)) throw new UserError(`kis.accounts: the name ${JSON.stringify(a.name)} is used twice; give each account its own name`);
      names.add(a.name);
    }
    const owned = deps.redis ? undefined : createRedisClient(config.redis.url, { maxRetriesPerRequest: 3 });
    const redis = deps.redis ?? owned!;
    if (owned) logRedisErrors(owned, deps.logger);
    const clients = config.kis.accounts.map((a) =>
      createKisClient({
        account: { name: a.name, env: a.env, appKey: a.appKey, appSecret: a.appSecret, ...(a.restUrl ? { restUrl: a.restUrl } : {}) },
        redis,
        prefix: config.redis.prefix,
        custtype: config.kis.custtype,
        requestTimeoutMs: config.kis.requestTimeoutMs,
        tokenRefreshBeforeMs: config.kis.tokenRefreshBeforeMs,
        tokenIssueIntervalMs: config.kis.tokenIssueIntervalMs,
        rateLimit: config.kis.rateLimit,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      }),
    );
    return new KisAccounts(clients, owned);
  }

  names(): string[] {
    return [...this.clients.keys()];
  }

  /** The named account, or the only/first one when no name is given. */
  get(name?: string): KisClient {
    if (name === undefined) {
      const first = this.clients.values().next().value;
      if (!first) throw new UserError('no KIS account is configured (kis.accounts is empty)');
      return first;
    }
    const c = this.clients.get(name);
    if (!c) throw new UserError(`no KIS account named ${JSON.stringify(name)}; configured: ${this.names().join(', ') || '(none)'}`);
    return c;
  }

  /** The first account of an environment (e.g. a real account for real-only endpoints). */
  byEnv(env: KisEnv): KisClient | undefined {
    return [...this.clients.values()].find((c) => c.env === env);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    if (this.ownedRedis) await this.ownedRedis.quit().catch(() => this.ownedRedis?.disconnect());
  }
}
