/** The pipeline's Aggregation port: board snapshot → ATM-relative matrices (src/options/matrix.ts). */
import { buildOptionMatrices, matrixSymbol } from '../../src/options/matrix.js';
import { OptionInputError } from '../../src/options/types.js';
import type { OptionChainRow } from '../../src/db/types.js';
import type { Aggregation } from '../../jobs/services.js';
import { BadDataError } from '../../jobs/errors.js';

export function createAggregation(strikesPerSide: number): Aggregation {
  return {
    matrices(board) {
      if (board.quotes.length === 0) return [];
      const underlyingSymbol = matrixSymbol(board.underlying, board.expiry);
      const rows: OptionChainRow[] = board.quotes.map((q) => ({ ...q, time: board.minute, underlyingSymbol, expiry: board.expiry, underlyingPrice: board.spot ?? null }));
      try {
        return buildOptionMatrices(rows, { strikesPerSide }).map(({ time: _t, ...m }) => m);
      } catch (e) {
        // A board that cannot make a matrix will not make one on retry either.
        if (e instanceof OptionInputError) throw new BadDataError(`${underlyingSymbol}: ${e.message}`);
        throw e;
      }
    },
  };
}
