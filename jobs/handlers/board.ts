/** Option boards: fetch (one KIS board call) → aggregate (chain rows + ATM-relative matrices) → upsert. */
import { type KstTime, addMinutes, formatKstIso, toKst } from '../../src/time/kst.js';
import { catchUpLimit, dueHorizon } from '../../src/pipeline/schedule.js';
import { jobIds } from '../../src/pipeline/ids.js';
import { BadDataError } from '../errors.js';
import type { BoardPayload } from '../payloads.js';
import type { Handler, HandlerContext } from './types.js';
import { type LiveMinute, liveMinuteOf, skippedByLateFiring } from './live-minute.js';
import { recoverBoardMinutes } from '../recovery.js';

/**
 * A board is a snapshot: taken just after a minute closed, it stands for that minute. A firing that ran
 * later than the jitter the pipeline tolerates (an outage; KIS keeps no board history) labels the board it
 * takes now with the newest closed minute of its sessions, so no minute carries prices from much later.
 */
function snapshotMinute(live: LiveMinute, ctx: HandlerContext): KstTime {
  const s = ctx.services;
  const closed = dueHorizon(toKst(s.clock.now()), 0);
  if (!live.pattern || closed <= addMinutes(live.minute, catchUpLimit(s.clock.speed))) return live.minute;
  return s.fireTimes.index.lastUpTo(live.pattern.products, addMinutes(live.minute, -1), closed, live.pattern.expiry) ?? live.minute;
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
  const minute = snapshotMinute(live, ctx);
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
  const matrices = ctx.services.aggregation.matrices(board);
  await ctx.services.queues.add('upsert-board', { boardKey: p.boardKey, board, matrices }, { jobId: jobIds.stage('up', ctx.job.id!.replace(/^agg-/, '')) });
  return { quotes: board.quotes.length, matrixRows: matrices.length };
};

export const upsertBoard: Handler<'upsert-board'> = async (p, ctx) => {
  const s = ctx.services;
  const written = await s.storage.writeBoard(p.board, p.matrices);
  await s.stats.inc('rows_written', ['option-board'], written);
  await s.stats.markData(p.boardKey, p.board.minute);
  return { written };
};
