/**
 * What each stream worker publishes about itself (Redis, refreshed with its heartbeat, expiring with it)
 * and the deployment-wide view `krtrade stream status`, `/health` and `/metrics` read: sessions per key,
 * holder, registrations, records/s, lag, reconnects, takeovers and gaps today.
 */
import { type RedisClient, scanKeys } from '../redis/client.js';
import { type KstDate, type KstTime, formatKst, toKst } from '../time/kst.js';
import { defaultCalendar } from '../market/calendar/index.js';
import type { Clock } from '../time/clock.js';
import { currentHolder } from './lease.js';
import { gapsKey, tradingDateAt } from './gaps.js';
import type { StreamGap } from './types.js';

/** Bucket bounds (seconds) of the exchange-time → commit lag histogram. */
export const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30] as const;

export interface KeyStatus {
  account: string;
  state: string;
  fence: number;
  registrations: number;
  records: number;
}

export interface WorkerStatus {
  holder: string;
  keys: KeyStatus[];
  /** Records handed to the recorder per second over the last heartbeat interval. */
  recordsPerSec: number;
  /** Exchange time → commit lag (ms) of the newest commit; null before the first. */
  lagMs: number | null;
  /** KST wall-clock of this report. */
  at: string;
}

/** Cumulative counters of all workers (Redis hash), read by /metrics. */
export const statsKey = (prefix: string): string => `${prefix}:stream:stats`;
const workerKey = (prefix: string, holder: string): string => `${prefix}:stream:worker:${holder}`;

export async function publishWorkerStatus(redis: RedisClient, prefix: string, s: WorkerStatus, ttlMs: number): Promise<void> {
  await redis.set(workerKey(prefix, s.holder), JSON.stringify(s), 'PX', ttlMs);
}

export interface StreamStatus {
  keys: { account: string; holder: string | null; fence: number | null; state: string; registrations: number; records: number }[];
  workers: WorkerStatus[];
  recordsPerSec: number;
  lagMs: number | null;
  gapsToday: (StreamGap & { fromText: string; toText: string })[];
  counters: Record<string, number>;
}

/** The live stream workers' own reports. */
export async function readWorkerStatuses(redis: RedisClient, prefix: string): Promise<WorkerStatus[]> {
  const workers: WorkerStatus[] = [];
  // Every master is scanned (a cluster's keys are spread); the found keys share the prefix's slot, so one MGET reads them.
  const found = await scanKeys(redis, `${prefix}:stream:worker:*`, 200);
  for (const v of found.length ? await redis.mget(...found) : []) if (v) workers.push(JSON.parse(v) as WorkerStatus);
  return workers;
}

export async function readStreamStatus(redis: RedisClient, prefix: string, accounts: { name: string; appKey: string }[], date: KstDate): Promise<StreamStatus> {
  const workers = await readWorkerStatuses(redis, prefix);
  const keys = await Promise.all(
    accounts.map(async (a) => {
      const h = await currentHolder(redis, prefix, a.appKey);
      const k = workers.flatMap((w) => w.keys).find((x) => x.account === a.name);
      return { account: a.name, holder: h?.holder ?? null, fence: h?.fence ?? null, state: h ? (k?.state ?? 'starting') : 'not held', registrations: k?.registrations ?? 0, records: k?.records ?? 0 };
    }),
  );
  const lags = workers.map((w) => w.lagMs).filter((x): x is number => x !== null);
  const raw = await redis.hgetall(statsKey(prefix));
  const gapsToday = (await redis.lrange(gapsKey(prefix, date), 0, -1)).map((l) => JSON.parse(l) as StreamGap & { fromText: string; toText: string });
  return {
    keys, workers, gapsToday,
    recordsPerSec: workers.reduce((n, w) => n + w.recordsPerSec, 0),
    lagMs: lags.length ? Math.max(...lags) : null,
    counters: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)])),
  };
}

export function formatStreamStatus(s: StreamStatus, clock: Clock): string {
  const lines = [`stream at ${formatKst(toKst(clock.now()))} KST: ${s.workers.length} worker(s), ${s.recordsPerSec.toFixed(1)} records/s, lag ${s.lagMs === null ? 'n/a' : `${s.lagMs} ms`}`];
  for (const k of s.keys) lines.push(`  ${k.account}: ${k.holder ? `held by ${k.holder} (fence ${k.fence})` : 'not held'}, ${k.state}, ${k.registrations} registrations, ${k.records} records`);
  const c = s.counters;
  lines.push(`  reconnects ${c.reconnects ?? 0}, takeovers ${c.takeovers ?? 0}, gaps today ${s.gapsToday.length} (${s.gapsToday.reduce((n, g) => n + g.codes.length, 0)} instrument ranges)`);
  for (const g of s.gapsToday.slice(-10)) lines.push(`    ${g.fromText} → ${g.toText}  ${g.reason}  ${g.appKeyName}: ${g.codes.join(' ')}`);
  return lines.join('\n');
}

/** The stream part of `/health`: workers and the keys they hold, records/s, lag, counters, gaps today. */
export async function streamHealth(redis: RedisClient, prefix: string, now: KstTime): Promise<Omit<StreamStatus, 'keys'> & { keys: KeyStatus[] }> {
  const s = await readStreamStatus(redis, prefix, [], tradingDateAt(now, defaultCalendar()));
  return { ...s, keys: s.workers.flatMap((w) => w.keys) };
}
