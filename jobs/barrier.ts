/**
 * The minute-batch completion barrier. The scheduler writes the set of instruments expected in a batch and
 * adds the batch's strategy job DELAYED until the deadline; each stored candle adds its instrument to the
 * done set, and the one that completes the set promotes the strategy job so it runs at once. A late or
 * failed instrument just leaves the job to run at the deadline, which then records what was missing.
 */
import { Job } from 'bullmq';
import type { KstTime } from '../src/time/kst.js';
import { jobIds } from '../src/pipeline/ids.js';
import type { PipelineServices } from './services.js';

/** Batch keys outlive any retry or replay of their jobs, then go. */
export const BATCH_TTL_S = 3 * 24 * 3600;

export async function openBatch(s: PipelineServices, minute: KstTime, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  const key = s.keys.batchExpected(minute);
  await s.redis.multi().sadd(key, ...codes).expire(key, BATCH_TTL_S).exec();
}

/** Marks `code` stored for the batch; promotes the strategy job when the batch is complete. Returns true if it did. */
export async function completeInBatch(s: PipelineServices, minute: KstTime, code: string): Promise<boolean> {
  const doneKey = s.keys.batchDone(minute);
  const res = await s.redis
    .multi()
    .sadd(doneKey, code)
    .expire(doneKey, BATCH_TTL_S)
    .sdiff(s.keys.batchExpected(minute), doneKey)
    .scard(s.keys.batchExpected(minute))
    .exec();
  const missing = (res?.[2]?.[1] as string[] | undefined) ?? [];
  const expected = Number(res?.[3]?.[1] ?? 0);
  if (expected === 0 || missing.length > 0) return false;
  const job = await Job.fromId(s.queues.queues.strategy, jobIds.strategy(minute));
  if (!job) return false;
  try {
    await job.promote();
    return true;
  } catch {
    // Already promoted by another instrument's upsert, or already running: nothing to do.
    return false;
  }
}

export async function batchState(s: PipelineServices, minute: KstTime): Promise<{ expected: string[]; done: string[]; missing: string[] }> {
  const [expected, done] = await Promise.all([s.redis.smembers(s.keys.batchExpected(minute)), s.redis.smembers(s.keys.batchDone(minute))]);
  const doneSet = new Set(done);
  return { expected: expected.sort(), done: done.sort(), missing: expected.filter((c) => !doneSet.has(c)).sort() };
}
