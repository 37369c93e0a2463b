/**
 * The minute-batch completion barrier. The first fetch of a live minute (in each process) opens its batch:
 * the batch's strategy job, DELAYED until the deadline, and the set of instruments the batch expects, from
 * the collection plan the scheduler publishes and the calendar. Each stored candle adds its instrument to
 * the done set; the one that completes the set promotes the strategy job so it runs at once. A late or
 * failed instrument leaves the job to run at the deadline, which records what was missing; the run then
 * deletes the batch's sets. Opening from the fetch side keeps strategies running while the scheduler
 * process is down: BullMQ's job schedulers keep firing without it.
 */
import { Job } from 'bullmq';
import type { RedisClient } from '../src/redis/client.js';
import { z } from 'zod';
import type { Clock } from '../src/time/clock.js';
import { type KstTime, addMinutes, toKst } from '../src/time/kst.js';
import type { MinuteIndex } from '../src/pipeline/schedule.js';
import { type PipelineKeys, jobIds, minuteLabel } from '../src/pipeline/ids.js';
import { kstDateSchema } from './payloads.js';
import type { QueueSet } from './queues.js';

/**
 * Backstop only: the strategy run deletes its batch's sets, so a batch whose strategy never ran is the
 * only one that waits for this. Real seconds, so hours of simulated time can pass meanwhile.
 */
export const BATCH_TTL_S = 6 * 3600;
/** The once-per-batch run markers (one small hash per date) stay longer: a replay days later must still see them. */
export const RUN_MARKER_TTL_S = 3 * 24 * 3600;

/** What the scheduler publishes for the barrier: the candle instruments and their sessions, and the deadline. */
export const collectionPlanSchema = z.object({
  /** Clock ms after a minute closed at which its strategy runs with whatever has arrived. */
  deadlineMs: z.number().int().nonnegative(),
  candles: z.array(z.object({ code: z.string(), products: z.array(z.enum(['stocks', 'derivatives', 'night'])).min(1), expiry: kstDateSchema.optional() })),
});
export type CollectionPlan = z.infer<typeof collectionPlanSchema>;

/** Opens the batch unless its strategy already ran or another process opened it; atomic, so no candle can complete a half-written set. */
const OPEN_SCRIPT = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 or redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 3, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

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

export interface BatchDeps {
  redis: RedisClient;
  keys: PipelineKeys;
  queues: QueueSet;
  clock: Clock;
  index: MinuteIndex;
}

type ScriptCall = (key1: string, key2: string, ...args: string[]) => Promise<unknown>;

export class MinuteBatches {
  /** Minutes this process has opened (or is opening): one plan read and one script per minute, not per job. */
  private readonly opened = new Map<KstTime, Promise<boolean>>();
  /** EVALSHA with the script loaded once per connection, not its text sent with every stored candle. */
  private readonly openScript: ScriptCall;
  private readonly completeScript: ScriptCall;

  constructor(private readonly d: BatchDeps) {
    d.redis.defineCommand('krtradeOpenBatch', { numberOfKeys: 2, lua: OPEN_SCRIPT });
    d.redis.defineCommand('krtradeCompleteBatch', { numberOfKeys: 2, lua: COMPLETE_SCRIPT });
    const r = d.redis as unknown as Record<'krtradeOpenBatch' | 'krtradeCompleteBatch', ScriptCall>;
    this.openScript = r.krtradeOpenBatch.bind(d.redis);
    this.completeScript = r.krtradeCompleteBatch.bind(d.redis);
  }

  /** Writes the plan if it changed; returns whether it did. */
  async publishPlan(plan: CollectionPlan): Promise<boolean> {
    const text = JSON.stringify(collectionPlanSchema.parse(plan));
    if ((await this.d.redis.get(this.d.keys.plan)) === text) return false;
    await this.d.redis.set(this.d.keys.plan, text);
    return true;
  }

  async plan(): Promise<CollectionPlan | undefined> {
    const text = await this.d.redis.get(this.d.keys.plan);
    return text ? collectionPlanSchema.parse(JSON.parse(text)) : undefined;
  }

  /** The codes of the plan with a candle at `minute` (one calendar lookup per distinct sessions + expiry, not per code). */
  expected(plan: CollectionPlan, minute: KstTime): string[] {
    const trades = new Map<string, boolean>();
    return plan.candles
      .filter((c) => {
        const key = `${c.products.join(',')}|${c.expiry ?? ''}`;
        let yes = trades.get(key);
        if (yes === undefined) trades.set(key, (yes = this.d.index.nextAfter(c.products, addMinutes(minute, -1), c.expiry) === minute));
        return yes;
      })
      .map((c) => c.code);
  }

  /**
   * Opens `minute`'s batch (idempotent, across processes too). False when there is no plan (no scheduler
   * ever ran) or the minute expects no candle.
   */
  open(minute: KstTime): Promise<boolean> {
    let p = this.opened.get(minute);
    if (!p) {
      p = this.openOnce(minute);
      // Only an opened batch is remembered: without a plan yet, the next job of the minute looks again.
      p.then((ok) => ok || this.opened.delete(minute), () => this.opened.delete(minute));
      this.opened.set(minute, p);
      if (this.opened.size > 64) for (const m of this.opened.keys()) if (m < addMinutes(minute, -30)) this.opened.delete(m);
    }
    return p;
  }

  private async openOnce(minute: KstTime): Promise<boolean> {
    const plan = await this.plan();
    if (!plan) return false;
    const codes = this.expected(plan, minute);
    if (!codes.length) return false;
    const { clock, keys, queues } = this.d;
    // Order matters: the strategy job exists before any candle of the batch can complete it.
    const delay = Math.max(0, Math.ceil(clock.toRealMs(minute + 60_000 + plan.deadlineMs - toKst(clock.now()))));
    await queues.add('run-strategy', { minute }, { jobId: jobIds.strategy(minute), delay });
    await this.openScript(keys.batchExpected(minute), keys.strategyDone(minute), minuteLabel(minute), String(BATCH_TTL_S), ...codes);
    return true;
  }

  /** Marks `code` stored for the batch; promotes the strategy job when the batch is complete. Returns true if it did. */
  async complete(minute: KstTime, code: string): Promise<boolean> {
    const { keys, queues } = this.d;
    const complete = await this.completeScript(keys.batchExpected(minute), keys.batchDone(minute), code, String(BATCH_TTL_S));
    if (Number(complete) !== 1) return false;
    const job = await Job.fromId(queues.queues.strategy, jobIds.strategy(minute));
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
  async close(minute: KstTime): Promise<void> {
    await this.d.redis.del(this.d.keys.batchExpected(minute), this.d.keys.batchDone(minute));
  }

  async state(minute: KstTime): Promise<{ expected: string[]; done: string[]; missing: string[] }> {
    const { keys, redis } = this.d;
    const [expected, done] = await Promise.all([redis.smembers(keys.batchExpected(minute)), redis.smembers(keys.batchDone(minute))]);
    const doneSet = new Set(done);
    return { expected: expected.sort(), done: done.sort(), missing: expected.filter((c) => !doneSet.has(c)).sort() };
  }
}
