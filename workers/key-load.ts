/**
 * Load per app key for `krtrade queues status`: REST calls/s actually sent (deployment-wide, last minute)
 * against the key's budget, the instruments and calls/min the scheduler assigned to it, and its WebSocket
 * registrations against the per-session cap.
 */
import type { RedisClient } from '../src/redis/client.js';
import type { Config } from '../src/config/schema.js';
import { callsPerSecond } from '../src/kis/call-meter.js';
import { kisNamespace } from '../src/kis/client.js';
import { pipelineKeys } from '../src/pipeline/ids.js';
import { assignmentKey } from '../src/stream/stream-view.js';

export interface KeyLoad {
  name: string;
  env: 'real' | 'paper';
  /** REST calls per second sent over the last minute, by every process. */
  restPerSecond: number;
  /** Calls per second this key may use (KIS limit × headroom). */
  restBudgetPerSecond: number;
  /** Scheduled calls per minute the scheduler assigned (null: the scheduler has not published any). */
  plannedPerMinute: number | null;
  /** Instruments (candle targets and boards) assigned for REST collection. */
  instruments: number | null;
  wsRegistrations: number;
  wsMax: number;
}

export async function keyLoads(redis: RedisClient, config: Config, nowMs = Date.now()): Promise<KeyLoad[]> {
  const prefix = config.redis.prefix;
  const rl = config.kis.rateLimit;
  const state = JSON.parse((await redis.get(pipelineKeys(prefix).schedulerState)) ?? 'null') as { keys?: { name: string; load: number; targets: number }[] } | null;
  const ws = await redis.hgetall(assignmentKey(prefix));
  return Promise.all(
    config.kis.accounts.map(async (a): Promise<KeyLoad> => {
      const planned = state?.keys?.find((k) => k.name === a.name);
      return {
        name: a.name, env: a.env,
        restPerSecond: await callsPerSecond(redis, kisNamespace(prefix, a.appKey), nowMs),
        restBudgetPerSecond: (a.env === 'real' ? rl.realPerSecond : rl.paperPerSecond) * rl.headroom,
        plannedPerMinute: planned?.load ?? null, instruments: planned?.targets ?? null,
        wsRegistrations: ws[a.name] ? (JSON.parse(ws[a.name]!) as unknown[]).length : 0,
        wsMax: config.kis.ws.maxSubscriptionsPerSession,
      };
    }),
  );
}

const num = (n: number): string => String(Number(n.toFixed(2)));

export function formatKeyLoads(keys: readonly KeyLoad[]): string {
  if (keys.length === 0) return 'app keys: none configured (the simulator account)';
  const rows = keys.map((k) => [
    k.name, k.env,
    `${num(k.restPerSecond)}/${num(k.restBudgetPerSecond)}`,
    k.plannedPerMinute === null ? '-' : `${k.plannedPerMinute}/${Math.floor(k.restBudgetPerSecond * 60)}`,
    k.instruments === null ? '-' : String(k.instruments),
    `${k.wsRegistrations}/${k.wsMax}`,
  ]);
  const head = ['app key', 'env', 'REST calls/s (last min)', 'planned calls/min', 'instruments', 'WS registrations'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
