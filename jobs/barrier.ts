/**
 * The minute-batch completion barrier. The scheduler writes the set of instruments expected in a batch and
 * adds the batch's strategy job DELAYED until the deadline; each stored candle adds its instrument to the
 * done set, and the one that completes the set promotes the strategy job so it runs at once. A late or
 * failed instrument just leaves the job to run at the deadline, which then records what was missing; the
 * run then deletes the batch's sets.
 */
import { Job } from 'bullmq';
import type { KstTime } from '../src/time/kst.js';
import { jobIds } from '../src/pipeline/ids.js';
import type { PipelineServices } from './services.js';

/**
 * Backstop only: the strategy run deletes its batch's sets (closeBatch), so a batch whose strategy never
 * ran is the only one that waits for this. Real seconds, so hours of simulated time can pass meanwhile.
 */
export const BATCH_TTL_S = 6 * 3600;
/** The once-per-batch run markers (one small hash per date) stay longer: a replay days later must still see them. */
export const RUN_MARKER_TTL_S = 3 * 24 * 3600;

export async function openBatch(s: PipelineServices, minute: KstTime, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  const key = s.keys.batchExpected(minute);
  await s.redis.multi().sadd(key, ...codes).expire(key, BATCH_TTL_S).exec();
}

/**
 * O(1) per call (no set difference: with 2,000 instruments that would be O(n²) per batch): a code counts
 * only if the batch expects it, and a call that finds the done set as large as the expected set answers 1
 * (normally the last one; a retried duplicate may promote again, which is harmless). A batch already
 * closed (strategy ran) answers 0 and leaves nothing behind.
 */
const COMPLETE_SCRIPT = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
local added = redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if redis.call('SCARD', KEYS[2]) == redis.call('SCARD', KEYS[1]) then return 1 end
return 0`;

/** Marks \`code\` stored for the batch; promotes the strategy job when the batch is complete. Returns true if it did. */
export async function completeInBatch(s: PipelineServices, minute: KstTime, code: string): Promise<boolean> {
  const complete = await s.redis.eval(COMPLETE_SCRIPT, 2, s.keys.batchExpected(minute), s.keys.batchDone(minute), code, String(BATCH_TTL_S));
  if (Number(complete) !== 1) return false;
  const job = await Job.fromId(s.queues.queues.strategy, jobIds.strategy(minute));
  if (!job) return false;
  try {
    await job.promote();
    return true;
  } catch {
    // Already running (its deadline came first): nothing to do.
    return false;
  }
}

/** After the batch's strategy ran: its sets are no longer needed (keeps Redis memory flat, whatever the TTL). */
export async function closeBatch(s: PipelineServices, minute: KstTime): Promise<void> {
  await s.redis.del(s.keys.batchExpected(minute), s.keys.batchDone(minute));
}

export async function batchState(s: PipelineServices, minute: KstTime): Promise<{ expected: string[]; done: string[]; missing: string[] }> {
  const [expected, done] = await Promise.all([s.redis.smembers(s.keys.batchExpected(minute)), s.redis.smembers(s.keys.batchDone(minute))]);
  const doneSet = new Set(done);
  return { expected: expected.sort(), done: done.sort(), missing: expected.filter((c) => !doneSet.has(c)).sort() };
}
