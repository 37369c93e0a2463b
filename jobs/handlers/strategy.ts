/** Runs the strategies once per minute batch and records which instruments were missing at that point. */
import { minuteLabel } from '../../src/pipeline/ids.js';
import { RUN_MARKER_TTL_S } from '../barrier.js';
import type { Handler } from './types.js';

export const runStrategy: Handler<'run-strategy'> = async (p, ctx) => {
  const s = ctx.services;
  const label = minuteLabel(p.minute);
  const doneKey = s.keys.strategyDone(p.minute);
  const runsKey = s.keys.strategyRuns(p.minute);
  // A job id is kept only while BullMQ keeps the job; this marker keeps "once per batch" beyond that.
  if (await s.redis.hexists(doneKey, label)) return { skipped: 'already ran for this batch' };
  const { expected, done, missing } = await s.batches.state(p.minute);
  if (missing.length) s.log.warn({ minute: label, missing }, 'strategy deadline reached with instruments missing');
  const outcome = await s.strategy.runBatch(p.minute, done, missing);
  // Signals are written idempotently, so a crash between the run and this marker only repeats identical writes.
  if (await s.redis.hsetnx(doneKey, label, String(Date.now()))) {
    await s.redis.multi().hincrby(runsKey, label, 1).expire(runsKey, RUN_MARKER_TTL_S).expire(doneKey, RUN_MARKER_TTL_S).exec();
  }
  await s.batches.close(p.minute);
  return { expected: expected.length, missing, signals: outcome.signals };
};
