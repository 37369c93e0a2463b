/** Option boards: fetch (one KIS board call) → aggregate (own forward, IV, greeks, surface slice; ATM-relative matrices) → upsert. */
import { type KstTime, addMinutes, formatKstIso, toKst } from '../../src/time/kst.js';
import { type MinuteIndex, catchUpLimit, dueHorizon } from '../../src/pipeline/schedule.js';
import { jobIds } from '../../src/pipeline/ids.js';
import { BadDataError } from '../errors.js';
import type { BoardPayload } from '../payloads.js';
import type { Handler } from './types.js';
import { type LiveMinute, liveMinuteOf, skippedByLateFiring } from './live-minute.js';
import { recoverBoardMinutes } from '../recovery.js';

/**
 * How late a board may be taken and still stand for its minute: the pipeline's jitter (2 minutes at real
 * speed), and on an accelerated clock at least half a minute of real time, so that a stall of the machine
 * in a test or the demo does not read as an outage.
 */
const BOARD_STALE_REAL_MS = 30_000;

/**
 * A board is a snapshot: taken just after a minute closed, it stands for that minute. A firing taken much
 * later (an outage; KIS keeps no board history) labels the board it takes now with the newest closed minute
 * of its sessions and says so, so no minute carries prices from much later.
 */
export function snapshotMinute(live: LiveMinute, takenAt: KstTime, speed: number, index: MinuteIndex): KstTime {
  const closed = dueHorizon(takenAt, 0);
  const staleAfter = Math.max(catchUpLimit(speed), Math.ceil((BOARD_STALE_REAL_MS * speed) / 60_000));
  if (!live.pattern || closed <= addMinutes(live.minute, staleAfter)) return live.minute;
  return index.lastUpTo(live.pattern.products, addMinutes(live.minute, -1), closed, live.pattern.expiry) ?? live.minute;
}

export const fetchBoard: Handler<'fetch-board'> = async (p, ctx) => {
  const s = ctx.services;
  const live = liveMinuteOf(ctx.job, p.minute, s);
  const { minute: _m, ...target } = p;
  await recoverBoardMinutes(target, await skippedByLateFiring(ctx.job, live, s), s, 'late scheduler firing');
  const closeAt = live.minute + 60_000;
  const now = toKst(s.clock.now());
  if (now < closeAt) await s.clock.sleep(closeAt - now, ctx.signal);
  let board: Omit<BoardPayload, 'minute'>;
  try {
    board = await s.market.optionBoard(p.account, { underlying: p.underlying, series: p.series, expiry: p.expiry }, ctx.signal);
  } finally {
    await s.stats.inc('kis_calls', ['option-board']);
  }
  const minute = snapshotMinute(live, toKst(s.clock.now()), s.clock.speed, s.fireTimes.index);
  if (minute !== live.minute) s.log.warn({ job: ctx.job.id, minute: formatKstIso(live.minute), labelled: formatKstIso(minute) }, 'option board taken long after its minute: stored under the newest closed minute');
  await s.queues.add('aggregate-board', { boardKey: p.boardKey, board: { ...board, minute } }, { jobId: jobIds.stage('agg', jobIds.fetchBoard(p.boardKey, minute)) });
  return { minute: formatKstIso(minute), quotes: board.quotes.length };
};

/** Drops duplicate codes and quotes of another expiry's board; one quote per (right, strike). */
export function normaliseBoard(board: BoardPayload): BoardPayload {
  const seen = new Map<string, BoardPayload['quotes'][number]>();
  for (const q of board.quotes) {
    const key = `${q.right}:${q.strike}`;
    const prev = seen.get(key);
    if (prev && prev.code !== q.code) throw new BadDataError(`${board.underlying} ${board.series} board lists strike ${q.strike} ${q.right} twice (${prev.code}, ${q.code})`);
    seen.set(key, q);
  }
  const quotes = [...seen.values()].sort((a, b) => (a.right === b.right ? a.strike - b.strike : a.right === 'call' ? -1 : 1));
  return { ...board, quotes };
}

export const aggregateBoard: Handler<'aggregate-board'> = async (p, ctx) => {
  const board = normaliseBoard(p.board);
  const { aggregation } = ctx.services;
  // Own forward, IV, greeks and surface slice for every board minute, before the matrices that may use them.
  const analytics = aggregation.analyse?.(board);
  const matrices = aggregation.matrices(board, analytics);
  await ctx.services.queues.add('upsert-board', { boardKey: p.boardKey, board, matrices, ...(analytics ? { analytics } : {}) }, { jobId: jobIds.stage('up', ctx.job.id!.replace(/^agg-/, '')) });
  return { quotes: board.quotes.length, matrixRows: matrices.length, forward: analytics?.forward ?? null };
};

export const upsertBoard: Handler<'upsert-board'> = async (p, ctx) => {
  const s = ctx.services;
  const written = await s.storage.writeBoard(p.board, p.matrices, p.analytics);
  await s.stats.inc('rows_written', ['option-board'], written);
  await s.stats.markData(p.boardKey, p.board.minute);
  return { written };
};
