/**
 * Per-app-key REST rate limiting shared by every process through Redis.
 *
 * GCRA per scope (the app key, plus per-endpoint scopes such as the option board): calls are spaced
 * `intervalMs` apart with a small `burst`, so any one-second window holds at most
 * `burst + 1000 / intervalMs` calls. With KIS's 20/s and 0.9 headroom that is one call per 55.6 ms with a
 * burst of 2: 18/s sustained, never more than 20 in any second even when network or server jitter bunches
 * calls up (a 20-call burst per window would exceed KIS's count as soon as one call of the previous burst
 * is delayed). All scopes of a call are checked and taken in one Lua script, so no slot is held while
 * waiting for another.
 *
 * KIS counts calls in real time, whatever our (possibly accelerated) clock says, so time is the Redis
 * server's own clock (`TIME`, the same for every process and host); waits are converted to clock time
 * for `clock.sleep` (abortable).
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../time/clock.js';
import type { EndpointName } from './spec/index.js';
import { ENDPOINTS } from './spec/index.js';

export interface RateRule {
  /** Real milliseconds between calls, sustained. */
  intervalMs: number;
  /** Calls allowed back to back before the spacing applies. */
  burst: number;
}

export interface RateLimitSettings {
  realPerSecond: number;
  paperPerSecond: number;
  headroom: number;
  optionBoardPerSecond: number;
}

/**
 * `perSecond` calls per second with `headroom` (0–1]: sustained `perSecond × headroom`, and the burst is
 * the unused part of the limit, so a burst plus one second of sustained calls stays within `perSecond`.
 */
export function ruleFor(perSecond: number, headroom: number): RateRule {
  const sustained = perSecond * headroom;
  return { intervalMs: 1000 / sustained, burst: Math.max(1, Math.floor(perSecond - Math.floor(sustained))) };
}

/** Most calls a rule lets through in any window of `windowMs`. */
export const maxCallsIn = (r: RateRule, windowMs: number): number => r.burst + Math.floor(windowMs / r.intervalMs);

export interface RateRules {
  appKey: RateRule;
  endpoints: Partial<Record<EndpointName, RateRule>>;
}

export function rateRules(env: 'real' | 'paper', s: RateLimitSettings): RateRules {
  const endpoints: Partial<Record<EndpointName, RateRule>> = {};
  for (const [name, ep] of Object.entries(ENDPOINTS) as Array<[EndpointName, { maxPerSecond?: number }]>) {
    if (ep.maxPerSecond) endpoints[name] = ruleFor(name === 'optionBoard' ? s.optionBoardPerSecond : ep.maxPerSecond, s.headroom);
  }
  return { appKey: ruleFor(env === 'real' ? s.realPerSecond : s.paperPerSecond, s.headroom), endpoints };
}

// KEYS: one theoretical-arrival-time record per scope. ARGV: (intervalMs, burst) per key.
// Returns 0 when every scope allows the call now (and records it in all), else the real ms to wait.
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local wait = 0
local next = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 2 - 1])
  local burst = tonumber(ARGV[i * 2])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local new_tat = tat + interval
  -- new_tat - now can exceed burst * interval by a rounding error only: ignore sub-microsecond overs.
  local over = new_tat - now - burst * interval
  if over > 0.001 then
    if over > wait then wait = over end
  end
  next[i] = new_tat
end
if wait > 0 then return tostring(wait) end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], tostring(next[i]), 'PX', math.ceil(next[i] - now) + 1000)
end
return '0'
`;

/** Rejects as soon as `signal` aborts, even while still queued behind other callers. */
function abortable(p: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

type AcquireCommand = (numKeys: number, ...args: Array<string | number>) => Promise<string>;
const COMMAND = 'krtradeKisRateAcquire';

export interface RateLimiterOptions {
  redis: Redis;
  /** Redis key namespace, e.g. `krtrade:kis:rl:<app key id>`. */
  keyPrefix: string;
  clock: Clock;
  rules: RateRules;
}

export class KisRateLimiter {
  private readonly redis: Redis;
  private readonly rules: RateRules;
  private readonly clock: Clock;
  private readonly keyPrefix: string;
  /** In-process FIFO per scope set: one caller at a time polls Redis, the rest queue behind it. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(opts: RateLimiterOptions) {
    this.redis = opts.redis;
    this.rules = opts.rules;
    this.clock = opts.clock;
    this.keyPrefix = opts.keyPrefix;
    if (!(COMMAND in this.redis)) this.redis.defineCommand(COMMAND, { lua: ACQUIRE_LUA });
  }

  /** Resolves when the call may be sent (waiting as long as needed); rejects only when aborted. */
  acquire(endpoint: EndpointName, signal?: AbortSignal): Promise<void> {
    const scopes: Array<[string, RateRule]> = [[`${this.keyPrefix}:all`, this.rules.appKey]];
    const own = this.rules.endpoints[endpoint];
    if (own) scopes.push([`${this.keyPrefix}:${endpoint}`, own]);
    const queueKey = own ? endpoint : '';
    const prev = this.queues.get(queueKey) ?? Promise.resolve();
    // Many waiting callers polling Redis together would add load (and jitter) for nothing.
    const mine = prev.then(() => this.take(scopes, signal));
    const settled = mine.catch(() => undefined);
    this.queues.set(queueKey, settled);
    void settled.then(() => {
      if (this.queues.get(queueKey) === settled) this.queues.delete(queueKey);
    });
    return signal ? abortable(mine, signal) : mine;
  }

  private async take(scopes: Array<[string, RateRule]>, signal?: AbortSignal): Promise<void> {
    const run = (this.redis as unknown as Record<string, AcquireCommand>)[COMMAND]!.bind(this.redis);
    for (;;) {
      signal?.throwIfAborted();
      const args: Array<string | number> = scopes.map(([k]) => k);
      for (const [, r] of scopes) args.push(r.intervalMs, r.burst);
      const wait = Number(await run(scopes.length, ...args));
      if (wait <= 0) return;
      // Real ms → clock ms (the clock may be accelerated; KIS counts real time).
      await this.clock.sleep(wait * this.clock.speed, signal);
    }
  }
}
