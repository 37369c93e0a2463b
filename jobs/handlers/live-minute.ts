/**
 * Which live minute a fetch job stands for, and what a late job-scheduler firing left out.
 *
 * BullMQ adds a scheduler's next firing when a worker takes the current one, computed from that moment:
 * a firing that runs late (queues paused, no worker up, a busy machine) makes the scheduler skip the
 * minutes whose time passed meanwhile. The late firing knows exactly which: those between its own minute
 * and the scheduler's next one (jobs/recovery.ts hands them back).
 */
import type { Job, RepeatOptions } from 'bullmq';
import { type KstTime, addMinutes, floorMinute, toInstant, toKst } from '../../src/time/kst.js';
import type { MinutePattern } from '../../src/pipeline/minute-pattern.js';
import { dueHorizon, fireTime } from '../../src/pipeline/schedule.js';
import type { PipelineServices } from '../services.js';

export interface LiveMinute {
  minute: KstTime;
  /** The scheduler's pattern, when the job is a scheduler firing. */
  pattern?: MinutePattern;
}

/** The minute in the payload, else the one the scheduler firing was scheduled for, else the newest closed minute. */
export function liveMinuteOf(job: Job, payloadMinute: KstTime | undefined, s: PipelineServices): LiveMinute {
  const text = (job.opts as { repeat?: RepeatOptions }).repeat?.pattern;
  const pattern = job.repeatJobKey && text ? s.fireTimes.pattern(text) : undefined;
  if (payloadMinute !== undefined) return { minute: payloadMinute, ...(pattern ? { pattern } : {}) };
  const firedAt = job.opts.prevMillis;
  if (pattern && firedAt) return { minute: s.fireTimes.minuteOf(pattern, firedAt), pattern };
  return { minute: addMinutes(floorMinute(toKst(s.clock.now())), -1) };
}

/**
 * The candle minutes a late scheduler firing for `live.minute` made its scheduler skip ([] when on time):
 * those before the scheduler's next firing. BullMQ counted that next firing from a moment after the job
 * was taken and before this handler started, so "on time" is judged by the time now: if the following
 * minute's firing time has not come yet, BullMQ cannot have skipped it. (Judging by when the job was
 * taken would miss a job taken just before the next firing time: BullMQ's later clock reading skips it.)
 * Call it first thing in the handler. If the scheduler is gone meanwhile (rolled to another contract, or
 * stopped), its next firing is worked out from now, which hands back too much rather than too little.
 */
export async function skippedByLateFiring(job: Job, live: LiveMinute, s: PipelineServices): Promise<KstTime[]> {
  const p = live.pattern;
  // A retry repeats work whose skipped minutes the first attempt already handed back.
  if (!p || !job.repeatJobKey || job.attemptsMade > 0) return [];
  const nowMs = Date.now();
  const following = s.fireTimes.next(p, s.fireTimes.clock.realAt(toInstant(fireTime(live.minute, p.bufferMs))));
  if (!following || nowMs < following.realMs) return [];
  const scheduler = await s.queues.queues.fetch.getJobScheduler(job.repeatJobKey);
  const nextMs = scheduler?.next ?? s.fireTimes.next(p, nowMs)?.realMs;
  const next = nextMs !== undefined ? s.fireTimes.minuteOf(p, nextMs) : addMinutes(dueHorizon(toKst(s.clock.now()), p.bufferMs), 1);
  return s.fireTimes.index.between(p.products, live.minute, addMinutes(next, -1), p.expiry);
}
