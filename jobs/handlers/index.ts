/** The handler of every catalog job. The type forces one per job; workers check it again at start. */
import { aggregateBoard, fetchBoard, upsertBoard } from './board.js';
import { aggregateCandles, backfillCandles, fetchCandles, upsertCandles } from './candles.js';
import { runStrategy, runStrategyLate } from './strategy.js';
import type { HandlerMap } from './types.js';

export type { Handler, HandlerContext, HandlerMap } from './types.js';

export const handlers: HandlerMap = {
  'fetch-candles': fetchCandles,
  'fetch-board': fetchBoard,
  'backfill-candles': backfillCandles,
  'aggregate-candles': aggregateCandles,
  'aggregate-board': aggregateBoard,
  'upsert-candles': upsertCandles,
  'upsert-board': upsertBoard,
  'run-strategy': runStrategy,
  'run-strategy-late': runStrategyLate,
};
