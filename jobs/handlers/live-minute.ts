/**
 * Which live minute a fetch job stands for, and what a late job-scheduler firing left out.
 *
 * BullMQ adds a scheduler's next firing when a worker takes the current one, computed from that moment:
 * a firing that runs late (queues paused, no worker up, a busy machine) makes the scheduler skip the
 * minutes whose time passed meanwhile. The late firing knows exactly which: those between its own minute
 * and the scheduler's next one (jobs/recovery.ts hands them back).
 */
import type { Job, RepeatOptions } from 'bullmq';
import { type KstTime, addMinutes, floorMinute, toKst } from '../../src/time/kst.js';
import type { MinutePattern } from '../../src/pipeline/minute-pattern.js';
import { dueHorizon } from '../../src/pipeline/schedule.js';
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
 * those before the scheduler's next firing. If the scheduler is gone meanwhile (rolled to another contract,
 * or stopped), its next firing is worked out as BullMQ did, from when this job was taken.
 */
export async function skippedByLateFiring(job: Job, live: LiveMinute, s: PipelineServices): Promise<KstTime[]> {
  const p = live.pattern;
  // A retry repeats work whose skipped minutes the first attempt already handed back.
  if (!p || !job.repeatJobKey || job.attemptsMade > 0) return [];
  // On time: the next minute's firing had not come yet when this job was taken, so nothing was skipped.
  if (dueHorizon(toKst(s.clock.at(job.processedOn ?? Date.now())), p.bufferMs) <= live.minute) return [];
  const scheduler = await s.queues.queues.fetch.getJobScheduler(job.repeatJobKey);
  const nextMs = scheduler?.next ?? s.fireTimes.next(p, Math.max(job.processedOn ?? Date.now(), job.opts.prevMillis ?? 0))?.realMs;
  const next = nextMs !== undefined ? s.fireTimes.minuteOf(p, nextMs) : addMinutes(dueHorizon(toKst(s.clock.now()), p.bufferMs), 1);
  return s.fireTimes.index.between(p.products, live.minute, addMinutes(next, -1), p.expiry);
}
