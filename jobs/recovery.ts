/**
 * Handing missing minutes of one instrument back to the pipeline: a few (a busy moment, a scheduler firing
 * that ran a little late) as live catch-up jobs, strategy batch included; more (an outage, a start in
 * mid-session, a Redis wipe) as backfill pages over exactly the missing runs, never a pile of stale
 * per-minute jobs. Backfill pages get a fresh id per enqueue (a page completed earlier must not make a repeat
 * a no-op while its rows are missing), and minutes a pending backfill page already covers are not enqueued
 * twice. Option boards have no history at KIS: beyond the few, their minutes stay missed (and say so).
 */
import { randomBytes } from 'node:crypto';
import { type KstTime, formatKstIso } from '../src/time/kst.js';
import { catchUpLimit, pages } from '../src/pipeline/schedule.js';
import { jobIds } from '../src/pipeline/ids.js';
import { minuteRanges } from '../src/repair/missing.js';
import type { PayloadInput } from './catalog.js';
import type { QueueSet } from './queues.js';
import type { CandleTarget, PipelineServices } from './services.js';

/** One recovery backfill job covers at most this many minutes (the fetch pages KIS underneath). */
export const RECOVERY_PAGE_MINUTES = 480;

export type RecoveryOutcome = 'none' | 'catch-up' | 'backfill';

const PENDING_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children'] as const;

/** Minutes of `code` that a backfill page not yet finished will fetch anyway. */
async function pendingBackfill(q: QueueSet, code: string): Promise<{ from: number; to: number }[]> {
  const jobs = await q.queues.backfill.getJobs([...PENDING_STATES]);
  return jobs.filter((j) => (j?.data as { code?: string } | undefined)?.code === code).map((j) => j.data as { from: number; to: number });
}

/**
 * `minutes`: ascending candle minutes of the instrument that no job will fetch otherwise. `backfillOnly`:
 * never as live catch-up jobs, whose stage ids a minute's earlier (completed) stages would turn into no-ops.
 */
export async function recoverMinutes(target: CandleTarget & { account: string }, minutes: readonly KstTime[], s: Pick<PipelineServices, 'queues' | 'clock' | 'log'>, why: string, o: { backfillOnly?: boolean; onEnqueued?: (minutes: number, jobs: number) => void } = {}): Promise<RecoveryOutcome> {
  if (!minutes.length) return 'none';
  const { code, family, account } = target;
  if (!o.backfillOnly && minutes.length <= catchUpLimit(s.clock.speed)) {
    await s.queues.addBulk('fetch-candles', minutes.map((m) => ({ payload: { code, family, account, minute: m }, opts: { jobId: jobIds.fetchCandles(code, m) } })));
    s.log.info({ code, minutes: minutes.map(formatKstIso) }, `${why}: minutes added as live catch-up jobs`);
    return 'catch-up';
  }
  const pending = await pendingBackfill(s.queues, code);
  const left = minutes.filter((m) => !pending.some((p) => m >= p.from && m < p.to));
  if (!left.length) return 'none';
  const tag = randomBytes(4).toString('hex');
  let jobs = 0;
  for (const run of minuteRanges(left)) {
    for (const p of pages(run.from, run.to, RECOVERY_PAGE_MINUTES)) {
      await s.queues.add('backfill-candles', { code, family, account, from: p.from, to: p.to }, { jobId: jobIds.repairCandles(code, p.from, p.to, tag) });
      jobs++;
    }
  }
  o.onEnqueued?.(left.length, jobs);
  s.log.info({ code, from: formatKstIso(left[0]!), to: formatKstIso(left.at(-1)!), minutes: left.length, jobs }, `${why}: backfill of the missing minutes instead of per-minute jobs`);
  return 'backfill';
}

/** Missed minutes of one option board: a few are taken now as catch-up snapshots, more are lost (KIS keeps no board history). */
export async function recoverBoardMinutes(target: Omit<PayloadInput<'fetch-board'>, 'minute'>, minutes: readonly KstTime[], s: PipelineServices, why: string): Promise<RecoveryOutcome> {
  if (!minutes.length) return 'none';
  if (minutes.length <= catchUpLimit(s.clock.speed)) {
    await s.queues.addBulk('fetch-board', minutes.map((m) => ({ payload: { ...target, minute: m }, opts: { jobId: jobIds.fetchBoard(target.boardKey, m) } })));
    s.log.info({ board: target.boardKey, minutes: minutes.map(formatKstIso) }, `${why}: minutes added as live catch-up jobs`);
    return 'catch-up';
  }
  s.log.warn({ board: target.boardKey, from: formatKstIso(minutes[0]!), to: formatKstIso(minutes.at(-1)!), minutes: minutes.length }, `${why}: board minutes missed (KIS keeps no option-board history)`);
  return 'none';
}
