/** The KIS REST client: accounts, tokens, rate limits, typed endpoints and paging helpers. */
export { createKisClient, appKeyId, logRedisErrors, DEFAULT_RATE_LIMIT, type KisClient, type KisClientOptions, type KisAccountSpec } from './client.js';
export { KisAccounts, type KisAccountsDeps } from './accounts.js';
export * from './errors.js';
export type { KisEnv, KisCallOptions, KisCallResult } from './http.js';
export { KisHttp } from './http.js';
export { KisTokenManager, type TokenInfo } from './token.js';
export { KisRateLimiter, rateRules, ruleFor, type RateRule, type RateRules, type RateLimitSettings } from './rate-limit.js';
export { fetchMinuteBars, fetchDailyBars, type BarSource, type FetchMinuteArgs, type FetchDailyArgs } from './paging.js';
export { foMarketOf, foChartStamp } from './endpoints/futures-options.js';
export { fieldKind, convertField, rowSchema, type FieldKind, type Row } from './fields.js';
export * from './types.js';
