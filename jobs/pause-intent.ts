/**
 * Who paused a queue, and when: one Redis hash (`keys.pauseIntent`, field = queue, value = JSON).
 * The scheduler pauses the live queues outside market hours and resumes them before a session, but only the
 * pauses it made itself: a pause by `krtrade queues pause` or from bull-board sticks until an operator resumes.
 * bull-board cannot tell us it paused a queue, so a live queue found paused while the market is open with
 * no record of ours is taken as an operator's pause (recorded as `bull-board`) and left alone.
 * Everything here can be rebuilt: after a Redis wipe the queues are unpaused and the records gone together.
 */
import type { Queue } from 'bullmq';
import type { RedisClient } from '../src/redis/client.js';
import { z } from 'zod';
import type { Logger } from '../src/log.js';
import type { KstTime } from '../src/time/kst.js';
import { formatKstIso } from '../src/time/kst.js';
import type { QueueName } from './catalog.js';

export type PausedBy = 'scheduler' | 'cli' | 'bull-board';

const intentSchema = z.object({ by: z.enum(['scheduler', 'cli', 'bull-board']), at: z.string(), user: z.string().optional() });
export type PauseIntent = z.infer<typeof intentSchema>;

/** Records why `queue` is paused; `at` is KST wall-clock as a person reads it. */
export async function recordPause(redis: RedisClient, key: string, queue: QueueName, by: PausedBy, at: KstTime, user?: string): Promise<void> {
  const intent: PauseIntent = { by, at: formatKstIso(at).slice(0, 19), ...(user ? { user } : {}) };
  await redis.hset(key, queue, JSON.stringify(intent));
}

export async function clearPause(redis: RedisClient, key: string, queues: readonly QueueName[]): Promise<void> {
  if (queues.length) await redis.hdel(key, ...queues);
}

/** Every recorded pause; a record that does not parse (older or foreign writer) reads as an operator's. */
export async function readPauses(redis: RedisClient, key: string): Promise<Partial<Record<QueueName, PauseIntent>>> {
  const raw = await redis.hgetall(key);
  const out: Partial<Record<QueueName, PauseIntent>> = {};
  for (const [queue, json] of Object.entries(raw)) {
    let parsed: PauseIntent | undefined;
    try {
      const r = intentSchema.safeParse(JSON.parse(json));
      if (r.success) parsed = r.data;
    } catch {
      // fall through: unreadable record
    }
    out[queue as QueueName] = parsed ?? { by: 'bull-board', at: '?' };
  }
  return out;
}

export interface LiveHoursInput {
  redis: RedisClient;
  /** `keys.pauseIntent`. */
  key: string;
  queues: Partial<Record<QueueName, Queue>>;
  /** The queues the market hours drive (fetch, strategy). */
  live: readonly QueueName[];
  /** Whether a subscribed session is open (or about to be / its last batch still due). */
  active: boolean;
  now: KstTime;
  log: Logger;
}

/**
 * Applies market hours to the live queues without overriding an operator: pauses running ones when the
 * market is closed, resumes only its own pauses when it opens, adopts a pause nobody recorded. Returns
 * whether each live queue is paused afterwards.
 */
export async function applyMarketHours(o: LiveHoursInput): Promise<Partial<Record<QueueName, boolean>>> {
  const pauses = await readPauses(o.redis, o.key);
  const out: Partial<Record<QueueName, boolean>> = {};
  for (const name of o.live) {
    const q = o.queues[name];
    if (!q) continue;
    const paused = await q.isPaused();
    const intent = pauses[name];
    if (!paused) {
      // Resumed from bull-board: the operator's pause is over.
      if (intent) await clearPause(o.redis, o.key, [name]);
      if (!o.active) {
        await recordPause(o.redis, o.key, name, 'scheduler', o.now);
        await q.pause();
      }
      out[name] = !o.active;
      continue;
    }
    if (!intent) {
      // Paused, and not by us: while the market is open that is an operator (bull-board); while it is closed,
      // a pause left from before pause records existed, which is ours to lift at the open.
      const by: PausedBy = o.active ? 'bull-board' : 'scheduler';
      await recordPause(o.redis, o.key, name, by, o.now);
      if (by === 'bull-board') o.log.warn({ queue: name, at: formatKstIso(o.now) }, 'queue paused by an operator (bull-board) during market hours: it stays paused until resumed');
      out[name] = true;
      continue;
    }
    if (intent.by === 'scheduler' && o.active) {
      await q.resume();
      await clearPause(o.redis, o.key, [name]);
      out[name] = false;
      continue;
    }
    out[name] = true;
  }
  return out;
}
