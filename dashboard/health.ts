/** `/health`: can we reach Redis, Postgres and KIS, and how fresh is each instrument's data. */
import type { RedisClient } from '../src/redis/client.js';
import type pg from 'pg';
import type { Clock } from '../src/time/clock.js';
import { formatKstIso, toKst } from '../src/time/kst.js';
import { errorMessage } from '../src/errors.js';
import type { PipelineStats } from '../src/pipeline/stats.js';
import { streamHealth } from '../src/stream/status.js';
import { readRepairState } from './repair-state.js';

export interface Probe {
  ok: boolean;
  ms: number;
  error?: string;
}

async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<Probe> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
    return { ok: true, ms: Date.now() - t0 };
  } catch (e) {
    return { ok: false, ms: Date.now() - t0, error: errorMessage(e) };
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthDeps {
  redis: RedisClient;
  pool?: pg.Pool;
  /** KIS REST base URL (or the simulator's); any HTTP answer counts as reachable. */
  kisUrl?: string;
  stats: PipelineStats;
  clock: Clock;
  timeoutMs?: number;
  /** Redis key prefix: with it, the realtime stream's status is included. */
  prefix?: string;
}

export async function health(d: HealthDeps) {
  const timeout = d.timeoutMs ?? 2_000;
  const [redis, postgres, kis] = await Promise.all([
    probe(() => d.redis.ping(), timeout),
    d.pool ? probe(() => d.pool!.query('SELECT 1'), timeout) : Promise.resolve<Probe>({ ok: false, ms: 0, error: 'not configured' }),
    d.kisUrl ? probe(() => fetch(d.kisUrl!, { method: 'HEAD', signal: AbortSignal.timeout(timeout) }), timeout) : Promise.resolve<Probe>({ ok: false, ms: 0, error: 'not configured' }),
  ]);
  const now = toKst(d.clock.now());
  const last = redis.ok ? await d.stats.lastData().catch(() => new Map()) : new Map();
  const instruments = [...last].map(([code, t]) => ({ instrument: code, lastMinute: formatKstIso(t), lagSeconds: Math.max(0, Math.round((now - (t + 60_000)) / 1000)) }));
  // Any unreachable service is "degraded", never "down": every process keeps running through an outage and
  // resumes by itself when the service returns (jobs wait for it), so a probe restarting them would not help.
  const problems = [
    ...(redis.ok ? [] : [`redis unreachable (${redis.error}): jobs and schedules wait; they resume when Redis returns`]),
    ...(postgres.ok ? [] : [`postgres unreachable (${postgres.error}): writes wait; they resume when PostgreSQL returns`]),
    ...(kis.ok ? [] : [`kis unreachable (${kis.error})`]),
  ];
  const stream = redis.ok && d.prefix ? await streamHealth(d.redis, d.prefix, now).catch(() => undefined) : undefined;
  const repair = redis.ok && d.prefix ? await repairHealth(d.redis, d.prefix).catch(() => undefined) : undefined;
  return { status: problems.length ? 'degraded' : 'ok', problems, now: formatKstIso(now), redis, postgres, kis, instruments, ...(stream ? { stream } : {}), ...(repair ? { repair } : {}) };
}

/** The repair loop's last round: when (KST), how many minutes were missing, and where. */
async function repairHealth(redis: RedisClient, prefix: string) {
  const s = await readRepairState(redis, prefix);
  if (!s) return { lastRound: null, totalMissing: null, instruments: [] as { instrument: string; missing: number }[] };
  const instruments = Object.entries(s.missing).map(([instrument, missing]) => ({ instrument, missing }));
  const boards = Object.entries(s.boardsMissing ?? {}).map(([board, missing]) => ({ board, missing }));
  return { lastRound: s.at, totalMissing: s.totalMissing, instruments, ...(boards.length ? { boards } : {}) };
}
