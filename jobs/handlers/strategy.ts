/**
 * Runs the strategies once per minute batch and records in PostgreSQL which instruments were missing at
 * that point; re-runs a batch late when one of those is stored afterwards (src/strategy/late-batches.ts).
 */
import { formatKstIso } from '../../src/time/kst.js';
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
  // Recorded before the state is read: a candle stored from here on is in the done set or finds the record.
  await s.strategy.openBatch(p.minute, (await s.batches.state(p.minute)).expected);
  const { expected, done, missing } = await s.batches.state(p.minute);
  if (missing.length) s.log.warn({ minute: label, missing }, 'strategy deadline reached with instruments missing');
  const outcome = await s.strategy.runBatch(p.minute, done, missing);
  await s.strategy.closeBatch(p.minute, missing);
  // Signals are written idempotently, so a crash between the run and this marker only repeats identical writes.
  if (await s.redis.hsetnx(doneKey, label, String(Date.now()))) {
    await s.redis.multi().hincrby(runsKey, label, 1).expire(runsKey, RUN_MARKER_TTL_S).expire(doneKey, RUN_MARKER_TTL_S).exec();
  }
  await s.batches.close(p.minute);
  return { expected: expected.length, missing, signals: outcome.signals };
};

export class BatchStillRunningError extends Error {
  constructor(label: string) {
    super(`batch ${label} is still recording its on-time run; the late run retries`);
    this.name = 'BatchStillRunningError';
  }
}

export const runStrategyLate: Handler<'run-strategy-late'> = async (p, ctx) => {
  const s = ctx.services;
  const outcome = await s.strategy.runLate(p.minute, p.codes);
  if (!outcome.ran && outcome.retry) throw new BatchStillRunningError(formatKstIso(p.minute));
  if (outcome.ran) s.log.info({ minute: formatKstIso(p.minute), codes: outcome.codes, signals: outcome.signals, flaggedLate: outcome.flaggedLate }, 'strategy batch re-run late for instruments stored after it ran');
  return outcome;
};
