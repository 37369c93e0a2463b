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
import type { RedisClient } from '../redis/client.js';
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

// KEYS: one theoretical-arrival-time record per scope. ARGV: (intervalMs, burst) per key, then the number
// of calls wanted. Grants as many of them as every scope allows right now (the same calls one-by-one
// requests at this instant would get) and records them in all scopes: returns {granted, '0'}; when none
// can go, returns {0, real ms to wait}.
const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local grant = tonumber(ARGV[#KEYS * 2 + 1])
local wait = 0
local tats = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[i * 2 - 1])
  local burst = tonumber(ARGV[i * 2])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  -- The k-th call fits while tat + k * interval - now - burst * interval <= 0.001 (sub-microsecond
  -- rounding overs are ignored).
  local room = math.floor((now + burst * interval - tat + 0.001) / interval)
  if room < grant then grant = room end
  local over = tat + interval - now - burst * interval
  if over > wait then wait = over end
end
if grant < 1 then return {0, tostring(wait)} end
for i = 1, #KEYS do
  local new_tat = tats[i] + grant * tonumber(ARGV[i * 2 - 1])
  redis.call('SET', KEYS[i], tostring(new_tat), 'PX', math.ceil(new_tat - now) + 1000)
end
return {grant, '0'}
`;

type AcquireCommand = (numKeys: number, ...args: Array<string | number>) => Promise<[number, string]>;
const COMMAND = 'krtradeKisRateAcquireMany';
/** Most calls asked for in one round trip. */
const MAX_BATCH = 64;

export interface RateLimiterOptions {
  redis: RedisClient;
  /** Redis key namespace, e.g. `krtrade:kis:rl:<app key id>`. */
  keyPrefix: string;
  clock: Clock;
  rules: RateRules;
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** The callers waiting on one scope set, and the Redis arguments of that set (built once). */
interface Lane {
  keys: string[];
  rules: Array<string | number>;
  waiters: Waiter[];
  pumping: boolean;
  /** Aborts the pump's pause when every waiter left. */
  pause: AbortController | undefined;
}

export class KisRateLimiter {
  private readonly redis: RedisClient;
  private readonly rules: RateRules;
  private readonly clock: Clock;
  private readonly keyPrefix: string;
  /**
   * One lane per scope set: one round trip at a time asks Redis for as many slots as callers are waiting
   * (many callers polling Redis together would add load and jitter for nothing, and one round trip per
   * call is the limiter's main CPU cost under concurrency).
   */
  private readonly lanes = new Map<string, Lane>();

  constructor(opts: RateLimiterOptions) {
    this.redis = opts.redis;
    this.rules = opts.rules;
    this.clock = opts.clock;
    this.keyPrefix = opts.keyPrefix;
    if (!(COMMAND in this.redis)) this.redis.defineCommand(COMMAND, { lua: ACQUIRE_LUA });
  }

  /** Resolves when the call may be sent (waiting as long as needed); rejects when aborted or Redis fails. */
  acquire(endpoint: EndpointName, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const lane = this.laneOf(endpoint);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        w.onAbort = () => {
          const i = lane.waiters.indexOf(w);
          if (i >= 0) lane.waiters.splice(i, 1);
          if (!lane.waiters.length) lane.pause?.abort();
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      lane.waiters.push(w);
      if (!lane.pumping) void this.pump(lane);
    });
  }

  private laneOf(endpoint: EndpointName): Lane {
    const own = this.rules.endpoints[endpoint];
    const laneKey = own ? endpoint : '';
    let lane = this.lanes.get(laneKey);
    if (!lane) {
      const scopes: Array<[string, RateRule]> = [[`${this.keyPrefix}:all`, this.rules.appKey]];
      if (own) scopes.push([`${this.keyPrefix}:${endpoint}`, own]);
      lane = { keys: scopes.map(([k]) => k), rules: scopes.flatMap(([, r]) => [r.intervalMs, r.burst]), waiters: [], pumping: false, pause: undefined };
      this.lanes.set(laneKey, lane);
    }
    return lane;
  }

  private async pump(lane: Lane): Promise<void> {
    lane.pumping = true;
    const run = (this.redis as unknown as Record<string, AcquireCommand>)[COMMAND]!.bind(this.redis);
    try {
      while (lane.waiters.length) {
        const asked = Math.min(lane.waiters.length, MAX_BATCH);
        let granted: number;
        let wait: number;
        try {
          const [g, w] = await run(lane.keys.length, ...lane.keys, ...lane.rules, asked);
          granted = Math.min(Number(g), asked);
          wait = Number(w);
        } catch (e) {
          // The callers this round trip was for fail with Redis's error; later ones try again.
          for (const w of lane.waiters.splice(0, asked)) settle(w).reject(e);
          continue;
        }
        // Slots granted to callers that aborted meanwhile are simply unused (never more calls than granted).
        for (const w of lane.waiters.splice(0, granted)) settle(w).resolve();
        if (granted > 0 || !lane.waiters.length) continue;
        lane.pause = new AbortController();
        // Real ms → clock ms (the clock may be accelerated; KIS counts real time).
        await this.clock.sleep(Math.max(wait, 0.5) * this.clock.speed, lane.pause.signal).catch(() => undefined);
        lane.pause = undefined;
      }
    } finally {
      lane.pumping = false;
    }
  }
}

function settle(w: Waiter): Waiter {
  if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
  return w;
}
