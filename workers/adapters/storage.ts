/** The pipeline's Storage port over src/db writers: candles per family table, option chain + matrices. */
import type pg from 'pg';
import { type KstTime, dateOf, kisDate } from '../../src/time/kst.js';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import type { ProductFamily, SessionProduct } from '../../src/market/types.js';
import { writeCandles, writeOptionChain } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import { CANDLE_TABLE_BY_FAMILY } from '../../src/db/names.js';
import { parseInstrumentCode } from '../../src/market/instruments/index.js';
import type { Candle, OptionChainRow, WriteResult } from '../../src/db/types.js';
import type { Storage } from '../../jobs/services.js';
import { GroupCommit } from './group-commit.js';
import { ownChainValues, writeSurfaceSlice } from './surface-storage.js';
import type { CandlePublisher } from '../../src/live/candle-bus.js';
import { compareBars } from '../../src/stream/bar-compare.js';

type CandleTable = Parameters<typeof writeCandles>[1];

/** Option matrices go to `option_matrices_<product>`, by underlying. */
const MATRIX_PRODUCT: Record<string, string> = { KOSPI200: '101', MINI: '105', KOSDAQ150: '106' };

/** A KIS option code (`B01612355`, `C01612355`): its candles go to `options_1m` whatever the family. */
function isOptionCode(code: string): boolean {
  try {
    const kind = parseInstrumentCode(code).kind;
    return kind === 'call' || kind === 'put';
  } catch {
    return false;
  }
}

const changed = (r: WriteResult): number => r.inserted + r.updated;

export function underlyingSymbol(underlying: string, expiry: string): string {
  return `${underlying}:${kisDate(expiry as Parameters<typeof kisDate>[0])}`;
}

export function createStorage(pool: pg.Pool, calendar: TradingCalendar, strikesPerSide: number, live?: CandlePublisher): Storage {
  // Night candles belong to the next trading date (KRX rule); the calendar knows which session a minute is in.
  const tradingDate = (family: ProductFamily, t: KstTime) => {
    const products: SessionProduct[] = family === 'stock' ? ['stocks'] : ['derivatives', 'night'];
    for (const p of products) {
      const s = calendar.covers(dateOf(t)) ? calendar.sessionForCandle(p, t) : undefined;
      if (s) return s.tradingDate;
    }
    return dateOf(t);
  };
  // One upsert per group of concurrent upsert jobs rather than one transaction per instrument and minute.
  const candleWrites = new GroupCommit<Candle>(async (table, rows) => changed(await writeCandles(pool, table as CandleTable, rows)));
  return {
    async writeCandles(family, rows) {
      if (rows.length === 0) return 0;
      const candles: Candle[] = rows.map((r) => ({
        symbol: r.code, time: r.time, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume, tradingDate: tradingDate(family, r.time),
      }));
      // Options of every family share one table (options_1m); a batch is one instrument's bars.
      const table = isOptionCode(rows[0]!.code) ? 'options_1m' : CANDLE_TABLE_BY_FAMILY[family];
      const n = await candleWrites.submit(table, candles);
      // After the commit: an open chart shows only what PostgreSQL holds.
      await live?.publish(candles.map((c) => ({ ...c, tradingDate: c.tradingDate! })));
      // Bars built from streamed ticks for these minutes (if any) are checked against the REST bars now.
      await compareBars(pool, candles).catch(() => undefined);
      return n;
    },
    async writeBoard(board, matrices, analytics) {
      const sym = underlyingSymbol(board.underlying, board.expiry);
      const rows: OptionChainRow[] = board.quotes.map((q, i) => ({
        time: board.minute, code: q.code, underlyingSymbol: sym, expiry: board.expiry, strike: q.strike, right: q.right,
        price: q.price, bid: q.bid, ask: q.ask, volume: q.volume, openInterest: q.openInterest,
        iv: q.iv, ivMissingReason: q.ivMissing ?? null, delta: q.delta, gamma: q.gamma, theta: q.theta, vega: q.vega, underlyingPrice: board.spot ?? null,
        ...ownChainValues(analytics, i),
        ...(board.rebuilt ? { rebuilt: true } : {}),
      }));
      let n = rows.length ? changed(await writeOptionChain(pool, rows)) : 0;
      const product = MATRIX_PRODUCT[board.underlying.toUpperCase()];
      if (product && matrices.length) {
        const context = {
          forward: analytics?.forward ?? null, underlyingPrice: board.spot ?? null,
          yearsToExpiry: analytics?.yearsToExpiry ?? null, greeksSource: analytics?.greeksSource ?? 'kis',
        } as const;
        const mrows = matrices.map((m) => ({ ...m, time: board.minute, ...context }));
        n += changed(await writeOptionMatrices(pool, product, mrows, { strikesPerSide }));
      }
      if (analytics) n += await writeSurfaceSlice(pool, board, sym, analytics);
      return n;
    },
  };
}
