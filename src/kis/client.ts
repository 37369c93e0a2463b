/**
 * `createKisClient`: one KIS account (app key) against the real or paper host, or any base URL (the
 * simulator), with the shared token, the shared rate limiter and every typed endpoint as a method.
 */
import { createHash } from 'node:crypto';
import { type RedisClient, createRedisClient } from '../redis/client.js';
import { CallMeter } from './call-meter.js';
import type { Logger } from '../log.js';
import { type Clock, RealClock } from '../time/clock.js';
import * as boardTop from './endpoints/board-top.js';
import * as boards from './endpoints/boards.js';
import * as fo from './endpoints/futures-options.js';
import * as holidays from './endpoints/holidays.js';
import * as stock from './endpoints/stock.js';
import { type KisCallOptions, type KisEnv, KisHttp } from './http.js';
import { fetchDailyBars, fetchMinuteBars, type FetchDailyArgs, type FetchMinuteArgs } from './paging.js';
import { KisRateLimiter, type RateLimitSettings, rateRules } from './rate-limit.js';
import { KIS_HOSTS } from './spec/index.js';
import { KisTokenManager, type TokenInfo } from './token.js';
import { KisTransport } from './transport.js';
import type * as T from './types.js';

export interface KisAccountSpec {
  name: string;
  env: KisEnv;
  appKey: string;
  appSecret: string;
  /** Base URL override (simulator, proxy); default: KIS's host for `env`. */
  restUrl?: string;
}

export interface KisClientOptions {
  account: KisAccountSpec;
  /** A shared connection (not closed by the client), or a URL for a connection the client owns. */
  redis?: RedisClient;
  redisUrl?: string;
  /** Key namespace in Redis (config `redis.prefix`). */
  prefix?: string;
  clock?: Clock;
  logger?: Logger;
  custtype?: 'P' | 'B';
  requestTimeoutMs?: number;
  tokenRefreshBeforeMs?: number;
  /** Longest clock time a caller waits for a token (EGW00133 / another process issuing); default 3 min. */
  tokenMaxWaitMs?: number;
  /** Least clock time between two token issuances for the app key (default 60 s, KIS's EGW00133 rule). */
  tokenIssueIntervalMs?: number;
  rateLimit?: Partial<RateLimitSettings>;
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { realPerSecond: 20, paperPerSecond: 2, headroom: 0.9, optionBoardPerSecond: 1 };

/** A short, stable id for an app key, so Redis key names never contain the key itself. */
export const appKeyId = (appKey: string): string => createHash('sha256').update(appKey).digest('hex').slice(0, 16);
/** Namespace of one app key's shared state in Redis (token, rate limiter, call counts): only a hash of the key. */
export const kisNamespace = (prefix: string, appKey: string): string => `${prefix}:kis:${appKeyId(appKey)}`;

/**
 * Gives a connection an 'error' listener, so a Redis outage is logged (each distinct message once until
 * the connection is ready again) instead of ioredis printing "Unhandled error event" with a stack on
 * every reconnect attempt. Commands still fail with their own errors.
 */
export function logRedisErrors(redis: RedisClient, logger?: Logger): void {
  let last = '';
  redis.on('ready', () => (last = ''));
  redis.on('error', (e: Error) => {
    if (e.message === last) return;
    last = e.message;
    logger?.warn({ err: e.message }, 'Redis connection error');
  });
}

type Method<A, R> = (a: A, opts?: KisCallOptions) => Promise<R>;

export interface KisClient {
  readonly name: string;
  readonly env: KisEnv;
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly http: KisHttp;
  readonly tokens: KisTokenManager;
  stockPrice: Method<stock.StockPriceArgs, T.StockQuote>;
  stockMinutesToday: Method<stock.StockMinutesTodayArgs, T.MinuteBar[]>;
  stockMinutesPast: Method<stock.StockMinutesPastArgs, T.MinuteBar[]>;
  stockDaily: Method<stock.StockDailyArgs, T.PeriodBar[]>;
  foPrice: Method<fo.FoPriceArgs, T.FoQuote>;
  foMinutes: Method<fo.FoMinutesArgs, T.MinuteBar[]>;
  foDaily: Method<fo.FoDailyArgs, T.PeriodBar[]>;
  optionBoard: Method<boards.OptionBoardArgs, T.OptionBoard>;
  optionExpiries(opts?: KisCallOptions): Promise<T.OptionExpiry[]>;
  futuresBoard: Method<boards.FuturesBoardArgs, T.FuturesBoardRow[]>;
  underlyingBar: Method<boardTop.UnderlyingBarArgs, T.UnderlyingBar>;
  holidayPage: Method<holidays.HolidayPageArgs, holidays.HolidayPage>;
  holidays: Method<holidays.HolidaysArgs, T.HolidayRow[]>;
  /** Minute bars covering `[from, to]`, ascending, deduplicated (pages back in time as needed). */
  fetchMinuteBars: Method<FetchMinuteArgs, T.MinuteBar[]>;
  fetchDailyBars: Method<FetchDailyArgs, T.PeriodBar[]>;
  /** The shared access token's expiry (issuing one if needed); the token itself is for the WS/HTTP layers only. */
  token(signal?: AbortSignal): Promise<TokenInfo>;
  revokeToken(signal?: AbortSignal): Promise<boolean>;
  /** The WebSocket approval key, shared by every process of the app key through Redis. */
  approvalKey(signal?: AbortSignal): Promise<string>;
  /** Drops the shared approval key if it is still `key` (KIS rejected it: OPSP0011); true when dropped. */
  invalidateApprovalKey(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export function createKisClient(o: KisClientOptions): KisClient {
  const { account } = o;
  if (!account.appKey || !account.appSecret) throw new Error(`KIS account ${account.name}: appKey and appSecret are required`);
  const clock = o.clock ?? new RealClock();
  const ownsRedis = !o.redis;
  const redis = o.redis ?? createRedisClient(o.redisUrl ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 3, lazyConnect: false });
  if (ownsRedis) logRedisErrors(redis, o.logger);
  const ns = kisNamespace(o.prefix ?? 'krtrade', account.appKey);
  const baseUrl = account.restUrl ?? KIS_HOSTS[account.env].rest;
  const logger = o.logger?.child({ kisAccount: account.name, kisEnv: account.env });
  const transport: KisTransport = new KisTransport({
    baseUrl,
    timeoutMs: o.requestTimeoutMs ?? 10_000,
    // Called only after construction, when `tokens` exists.
    secrets: (): string[] => [account.appKey, account.appSecret, ...tokens.currentSecrets()],
  });
  const tokens: KisTokenManager = new KisTokenManager({
    transport, redis, keyPrefix: ns, appKey: account.appKey, appSecret: account.appSecret, clock,
    refreshBeforeMs: o.tokenRefreshBeforeMs ?? 30 * 60_000, ...(logger ? { logger } : {}),
    ...(o.tokenMaxWaitMs ? { maxWaitMs: o.tokenMaxWaitMs } : {}),
    ...(o.tokenIssueIntervalMs ? { issueIntervalMs: o.tokenIssueIntervalMs } : {}),
  });
  const limiter = new KisRateLimiter({ redis, keyPrefix: `${ns}:rl`, clock, rules: rateRules(account.env, { ...DEFAULT_RATE_LIMIT, ...o.rateLimit }) });
  const meter = new CallMeter(redis, ns, logger);
  const http = new KisHttp({
    transport, tokens, limiter, meter, env: account.env, appKey: account.appKey, appSecret: account.appSecret,
    custtype: o.custtype ?? 'P', ...(logger ? { logger } : {}),
  });
  const tm = tokens;
  let closed = false;
  const client: KisClient = {
    name: account.name,
    env: account.env,
    baseUrl,
    clock,
    http,
    tokens: tm,
    stockPrice: (a, c) => stock.stockPrice(http, a, c),
    stockMinutesToday: (a, c) => stock.stockMinutesToday(http, a, c),
    stockMinutesPast: (a, c) => stock.stockMinutesPast(http, a, c),
    stockDaily: (a, c) => stock.stockDaily(http, a, c),
    foPrice: (a, c) => fo.foPrice(http, a, c),
    foMinutes: (a, c) => fo.foMinutes(http, a, c),
    foDaily: (a, c) => fo.foDaily(http, a, c),
    optionBoard: (a, c) => boards.optionBoard(http, a, c),
    optionExpiries: (c) => boards.optionExpiries(http, c),
    futuresBoard: (a, c) => boards.futuresBoard(http, a, c),
    underlyingBar: (a, c) => boardTop.underlyingBar(http, a, c),
    holidayPage: (a, c) => holidays.holidayPage(http, a, c),
    holidays: (a, c) => holidays.fetchHolidays(http, a, c),
    fetchMinuteBars: (a, c) => fetchMinuteBars(client, a, c),
    fetchDailyBars: (a, c) => fetchDailyBars(client, a, c),
    token: (signal) => tm.info(signal),
    revokeToken: (signal) => tm.revoke(signal),
    approvalKey: (signal) => tm.approvalKey(signal),
    invalidateApprovalKey: (key) => tm.invalidateApprovalKey(key),
    async close() {
      if (closed) return;
      closed = true;
      await meter.flush();
      if (ownsRedis) await redis.quit().catch(() => redis.disconnect());
    },
  };
  return client;
}
