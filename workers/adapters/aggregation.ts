/** The pipeline's Aggregation port: board snapshot → own analytics (src/options/board-analytics.ts) and ATM-relative matrices (src/options/matrix.ts). */
import { buildOptionMatrices, matrixSymbol } from '../../src/options/matrix.js';
import { analyseBoard } from '../../src/options/board-analytics.js';
import { yearsToExpiryAt } from '../../src/options/expiry-time.js';
import { OptionInputError } from '../../src/options/types.js';
import type { OptionChainRow } from '../../src/db/types.js';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import type { Aggregation } from '../../jobs/services.js';
import type { BoardAnalyticsPayload } from '../../jobs/payloads-options.js';
import type { BoardPayload } from '../../jobs/payloads.js';
import { BadDataError } from '../../jobs/errors.js';

export interface AnalyticsSettings {
  calendar: TradingCalendar;
  greeksSource: 'own' | 'kis';
  riskFreeRate: number;
}

/** A board stands for the minute it closed: time to expiry is counted from the end of that minute. */
const MINUTE_MS = 60_000;

export function analyseBoardPayload(board: BoardPayload, settings: AnalyticsSettings): BoardAnalyticsPayload {
  const T = yearsToExpiryAt(settings.calendar, board.expiry, (board.minute + MINUTE_MS) as BoardPayload['minute']);
  const f = board.futures;
  const futures = f ? { price: f.price, yearsToExpiry: yearsToExpiryAt(settings.calendar, f.expiry, (board.minute + MINUTE_MS) as BoardPayload['minute']) } : null;
  const a = analyseBoard({ quotes: board.quotes, rate: settings.riskFreeRate, yearsToExpiry: T, spot: board.spot ?? null, futures });
  return {
    forward: a.forward?.forward ?? null,
    forwardSource: a.forward?.source ?? null,
    forwardUncertainty: a.forward?.uncertainty ?? null,
    rate: a.rate,
    yearsToExpiry: a.yearsToExpiry,
    greeksSource: settings.greeksSource,
    quotes: a.quotes,
    surface: a.surface,
  };
}

export function createAggregation(strikesPerSide: number, settings?: AnalyticsSettings): Aggregation {
  return {
    matrices(board, analytics) {
      if (board.quotes.length === 0) return [];
      const underlyingSymbol = matrixSymbol(board.underlying, board.expiry);
      const own = analytics?.greeksSource === 'own' ? analytics : undefined;
      // Only what the matrices read, built once per quote (an object spread per quote was the stage's main cost).
      const rows: OptionChainRow[] = board.quotes.map((q, i) => {
        const g = own?.quotes[i] ?? q;
        return {
          time: board.minute, code: q.code, underlyingSymbol, expiry: board.expiry, strike: q.strike, right: q.right,
          price: q.price, volume: q.volume, openInterest: q.openInterest, underlyingPrice: board.spot ?? null,
          iv: g.iv, delta: g.delta, gamma: g.gamma, theta: g.theta, vega: g.vega,
        };
      });
      try {
        const forward = analytics?.forward ?? undefined;
        return buildOptionMatrices(rows, { strikesPerSide, ...(forward ? { forward } : {}) }).map(({ time: _t, ...m }) => m);
      } catch (e) {
        // A board that cannot make a matrix will not make one on retry either.
        if (e instanceof OptionInputError) throw new BadDataError(`${underlyingSymbol}: ${e.message}`);
        throw e;
      }
    },
    ...(settings ? { analyse: (board: BoardPayload) => analyseBoardPayload(board, settings) } : {}),
  };
}
