/** `krtrade queues pause|resume|status`: operator control of the live queues, visible to the scheduler. */
import type { RedisClient } from '../src/redis/client.js';
import type { Config } from '../src/config/schema.js';
import type { Logger } from '../src/log.js';
import { pipelineKeys } from '../src/pipeline/ids.js';
import { formatKstIso, instant, nowInstant, toKst } from '../src/time/kst.js';
import { checkRedis, createRedis } from '../src/pipeline/redis.js';
import { LIVE_QUEUES, QUEUE_NAMES, type QueueName } from '../jobs/catalog.js';
import { createQueues, type QueueSet } from '../jobs/queues.js';
import { type PauseIntent, clearPause, readPauses, recordPause } from '../jobs/pause-intent.js';
import { userInfo } from 'node:os';

export interface QueueStatus {
  queue: QueueName;
  paused: boolean;
  /** Who paused it (`cli`, `bull-board`, `scheduler`) and when (KST), when recorded. */
  pausedBy?: PauseIntent;
  workers: number;
  counts: Record<string, number>;
}

export interface SchedulerStatus {
  id: string;
  pattern?: string;
  /** When BullMQ fires it next (real time as KST wall-clock, `YYYY-MM-DDTHH:MM:SS`), if it has a pending firing. */
  next?: string;
}

export interface PipelineStatus {
  manualPause: boolean;
  scheduler: unknown;
  /** The BullMQ job schedulers of the fetch queue (one per instrument and data kind). */
  jobSchedulers: SchedulerStatus[];
  queues: QueueStatus[];
}

export async function withQueues<T>(config: Config, log: Logger, fn: (q: QueueSet, redis: RedisClient) => Promise<T>): Promise<T> {
  await checkRedis(config.redis.url);
  const redis = createRedis(config.redis.url, log, 'krtrade-cli');
  const queues = createQueues(redis, config.redis.prefix, { log });
  try {
    return await fn(queues, redis);
  } finally {
    await queues.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

export async function pipelineStatus(q: QueueSet, redis: RedisClient, prefix: string): Promise<PipelineStatus> {
  const keys = pipelineKeys(prefix);
  const pauses = await readPauses(redis, keys.pauseIntent);
  const queues = await Promise.all(
    QUEUE_NAMES.map(async (name): Promise<QueueStatus> => {
      const queue = q.queues[name];
      const [paused, workers, counts] = await Promise.all([
        queue.isPaused(), queue.getWorkersCount(), queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
      ]);
      const by = paused ? pauses[name] : undefined;
      return { queue: name, paused, ...(by ? { pausedBy: by } : {}), workers, counts };
    }),
  );
  const state = await redis.get(keys.schedulerState);
  const jobSchedulers = (await q.queues.fetch.getJobSchedulers(0, -1, true)).map(
    (x): SchedulerStatus => ({ id: x.key, ...(x.pattern ? { pattern: x.pattern } : {}), ...(x.next ? { next: formatKstIso(toKst(instant(x.next))) } : {}) }),
  );
  return { manualPause: (await redis.exists(keys.manualPause)) === 1, scheduler: state ? (JSON.parse(state) as unknown) : null, jobSchedulers, queues };
}

/** Operator pause: sticks until `resume` (the scheduler does not auto-resume while it is set). */
export async function pauseLive(q: QueueSet, redis: RedisClient, prefix: string, queues: readonly QueueName[] = LIVE_QUEUES): Promise<void> {
  const keys = pipelineKeys(prefix);
  const now = toKst(nowInstant());
  await redis.set(keys.manualPause, formatKstIso(now));
  const user = operatorName();
  for (const n of queues) await recordPause(redis, keys.pauseIntent, n, 'cli', now, user);
  await Promise.all(queues.map((n) => q.queues[n].pause()));
}

/** Clears the operator pause; the scheduler pauses again by itself if the market is closed. */
export async function resumeLive(q: QueueSet, redis: RedisClient, prefix: string, queues: readonly QueueName[] = QUEUE_NAMES): Promise<void> {
  const keys = pipelineKeys(prefix);
  await redis.del(keys.manualPause);
  await Promise.all(queues.map((n) => q.queues[n].resume()));
  await clearPause(redis, keys.pauseIntent, queues);
}

/** The OS user running the CLI, for "paused by cli (kim) at …"; absent when the system cannot say. */
function operatorName(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

const describePause = (p: PauseIntent): string => `by ${p.by}${p.user ? ` (${p.user})` : ''} at ${p.at.replace('T', ' ')}`;

export function formatStatus(s: PipelineStatus): string {
  const lines = ['times: KST wall-clock', `manual pause: ${s.manualPause ? 'yes' : 'no'}`];
  const sch = s.scheduler as { at?: string; tradingDate?: string; active?: boolean } | null;
  lines.push(sch ? `scheduler: last tick ${sch.at?.replace('T', ' ')} (trading date ${sch.tradingDate ?? '-'}, ${sch.active ? 'market active' : 'market closed'})` : 'scheduler: never ran');
  const next = s.jobSchedulers.map((j) => j.next).filter((n) => n !== undefined).sort()[0];
  lines.push(`job schedulers: ${s.jobSchedulers.length}${next ? ` (next firing ${next.replace('T', ' ')})` : ''}${s.jobSchedulers.length ? ` — ${s.jobSchedulers.map((j) => j.id).join(', ')}` : ''}`);
  lines.push('queue       state    workers  waiting  active  delayed  completed  failed');
  for (const q of s.queues) {
    const c = q.counts;
    const waiting = (c.waiting ?? 0) + (c.prioritized ?? 0);
    lines.push(
      `${q.queue.padEnd(11)} ${(q.paused ? 'paused' : 'running').padEnd(8)} ${String(q.workers).padStart(7)}  ${String(waiting).padStart(7)}  ${String(c.active ?? 0).padStart(6)}  ${String(c.delayed ?? 0).padStart(7)}  ${String(c.completed ?? 0).padStart(9)}  ${String(c.failed ?? 0).padStart(6)}`,
    );
  }
  for (const q of s.queues) if (q.pausedBy) lines.push(`${q.queue} paused ${describePause(q.pausedBy)}`);
  return lines.join('\n');
}
