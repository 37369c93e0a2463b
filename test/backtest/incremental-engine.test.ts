import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { createVwapAtrStrategy } from '../../src/strategy/vwap-atr.js';
import type { Strategy } from '../../src/strategy/api.js';
import { parseKstDate } from '../../src/time/kst.js';
import { syntheticFutureCandles } from '../strategy/synthetic.js';

const cal = defaultCalendar();
const DATES = ['2026-11-23', '2026-11-24', '2026-11-25'].map(parseKstDate);
const SYMBOL = 'A01612';
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
  await writeCandles(db.pool, 'futures_101', syntheticFutureCandles(SYMBOL, DATES, cal, 3));
});
afterAll(async () => db?.drop());

describe('backtest engine with the incremental vwap-atr', () => {
  it('gives the same signals, fills and trades as replaying the whole window every minute', async () => {
    const opts = {
      from: DATES[0]!,
      to: DATES.at(-1)!,
      calendar: cal,
      fills: {
        fillAt: 'next_open' as const,
        slippageTicks: 1,
        commission: { derivative: { rate: 0.00003 } },
      },
    };
    const incremental = await runBacktest(db.pool, createVwapAtrStrategy({ symbol: SYMBOL, k: 1.5 }), opts);
    // Fresh candle objects each minute: the strategy cannot continue its cache and replays the window.
    const inner = createVwapAtrStrategy({ symbol: SYMBOL, k: 1.5 });
    const replaying: Strategy = {
      ...inner,
      onBatch: (input) =>
        inner.onBatch({ ...input, history: (s, n) => input.history(s, n).map((c) => ({ ...c })) }),
    };
    const replayed = await runBacktest(db.pool, replaying, opts);
    expect(incremental.fills.length).toBeGreaterThan(4);
    expect(incremental.signals.filter((s) => s.kind === 'monitor').length).toBeGreaterThan(1000);
    expect(incremental.signals).toEqual(replayed.signals);
    expect(incremental.fills).toEqual(replayed.fills);
    expect(incremental.trades).toEqual(replayed.trades);
    expect(incremental.summary).toEqual(replayed.summary);
  });
});
