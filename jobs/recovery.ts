/**
 * Handing missed minutes of one instrument back to the pipeline: a few (a busy moment, a scheduler firing
 * that ran a little late) as live catch-up jobs, strategy batch included; more (an outage, a start in
 * mid-session) as one backfill per instrument, paged, never a pile of stale per-minute jobs. Option boards
 * have no history at KIS: beyond the few, their minutes stay missed (and say so).
 */
import { type KstTime, addMinutes, formatKstIso } from '../src/time/kst.js';
import { catchUpLimit, pages } from '../src/pipeline/schedule.js';
import { jobIds } from '../src/pipeline/ids.js';
import type { PayloadInput } from './catalog.js';
import type { CandleTarget, PipelineServices } from './services.js';

/** One recovery backfill job covers at most this many minutes (the fetch pages KIS underneath). */
export const RECOVERY_PAGE_MINUTES = 480;

export type RecoveryOutcome = 'none' | 'catch-up' | 'backfill';

/** `minutes`: ascending candle minutes of the instrument that no job will fetch otherwise. */
export async function recoverMinutes(target: CandleTarget & { account: string }, minutes: readonly KstTime[], s: PipelineServices, why: string): Promise<RecoveryOutcome> {
  if (!minutes.length) return 'none';
  const first = minutes[0]!;
  const last = minutes.at(-1)!;
  const { code, family, account } = target;
  if (minutes.length <= catchUpLimit(s.clock.speed)) {
    await s.queues.addBulk('fetch-candles', minutes.map((m) => ({ payload: { code, family, account, minute: m }, opts: { jobId: jobIds.fetchCandles(code, m) } })));
    s.log.info({ code, minutes: minutes.map(formatKstIso) }, `${why}: minutes added as live catch-up jobs`);
    return 'catch-up';
  }
  for (const p of pages(first, addMinutes(last, 1), RECOVERY_PAGE_MINUTES)) {
    await s.queues.add('backfill-candles', { code, family, account, from: p.from, to: p.to }, { jobId: jobIds.backfillCandles(code, p.from, p.to) });
  }
  s.log.info({ code, from: formatKstIso(first), to: formatKstIso(last), minutes: minutes.length }, `${why}: one backfill instead of per-minute jobs`);
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
