/** Option boards: fetch (one KIS board call) → aggregate (chain rows + ATM-relative matrices) → upsert. */
import { toKst } from '../../src/time/kst.js';
import { jobIds } from '../../src/pipeline/ids.js';
import { BadDataError } from '../errors.js';
import type { BoardPayload } from '../payloads.js';
import type { Handler } from './types.js';

export const fetchBoard: Handler<'fetch-board'> = async (p, ctx) => {
  const s = ctx.services;
  // A board is a snapshot: taken after the minute closed, it stands for that minute.
  const closeAt = p.minute + 60_000;
  const now = toKst(s.clock.now());
  if (now < closeAt) await s.clock.sleep(closeAt - now, ctx.signal);
  let board: Omit<BoardPayload, 'minute'>;
  try {
    board = await s.market.optionBoard(p.account, { underlying: p.underlying, series: p.series, expiry: p.expiry }, ctx.signal);
  } finally {
    await s.stats.inc('kis_calls', ['option-board']);
  }
  await s.queues.add('aggregate-board', { boardKey: p.boardKey, board: { ...board, minute: p.minute } }, { jobId: jobIds.stage('agg', ctx.job.id!) });
  return { quotes: board.quotes.length };
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
