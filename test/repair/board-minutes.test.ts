/**
 * Option boards in the repair loop: missing board minutes (option_chain_raw against the derivatives and
 * night sessions) are reported in the round's state and in data_quality; when their rebuild cannot fetch the
 * per-strike candles (here no market at all) nothing is enqueued and the round goes on. Real PostgreSQL,
 * Redis and BullMQ queues. The rebuild itself: test/options/board-rebuild-e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/time/clock.js';
import { kstTime, toInstant, type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeOptionChain } from '../../src/db/writer.js';
import { pgStoredMinutes } from '../../src/repair/stored.js';
import { repairConfigSchema } from '../../src/repair/config.js';
import { QUEUE_NAMES } from '../../jobs/catalog.js';
import { RepairLoop } from '../../jobs/repair.js';
import type { BoardTarget } from '../../src/pipeline/subscriptions.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';

const DATE = '2026-11-24' as KstDate;
const cal = defaultCalendar();
const BOARD: BoardTarget = { key: 'KOSPI200-monthly', underlying: 'KOSPI200', series: 'monthly', expiry: '2026-12-10' as KstDate, products: ['derivatives', 'night'], account: 'sim' };
// Clock 09:20 with a settle time of 3 minutes: minutes up to 09:16 are checked.
const NOW = kstTime(2026, 11, 24, 9, 20);
const UP_TO = kstTime(2026, 11, 24, 9, 16);
const gap = (t: KstTime) => t >= kstTime(2026, 11, 24, 9, 0) && t < kstTime(2026, 11, 24, 9, 5);

let db: TestDb;
let h: QueueHarness;

beforeAll(async () => {
  db = await createTestDb();
  h = queueHarness(testPrefix('repboard'), new AcceleratedClock(toInstant(NOW), 1));
  // The day session so far, two strikes a minute, five minutes lost; the night session was never collected.
  const minutes = cal.candleMinutes('derivatives', DATE).filter((t) => t <= UP_TO && !gap(t));
  await writeOptionChain(db.pool, minutes.flatMap((time) => (['call', 'put'] as const).map((right) => ({
    time, code: `${right === 'call' ? 'B' : 'C'}01612355`, underlyingSymbol: 'KOSPI200:20261210', expiry: BOARD.expiry, strike: 355, right, price: 1.5,
  }))));
}, 60_000);

afterAll(async () => {
  await h?.close();
  await db?.drop();
});

describe('option board minutes in the repair loop', () => {
  it('reports missing board minutes (state and data_quality); a rebuild that cannot fetch candles enqueues nothing', async () => {
    const loop = new RepairLoop({
      services: h.services, stored: pgStoredMinutes(db.pool), pool: db.pool, calendar: cal,
      config: repairConfigSchema.parse({ settleMinutes: 3 }),
      targets: () => ({ tradingDate: DATE, candles: [], boards: [BOARD] }),
    });
    try {
      const round = await loop.runOnce();
      expect(round.boardsMissing).toEqual({ 'KOSPI200:20261210': 5 });
      expect(round.boardsRebuilt).toEqual({});
      expect(round.totalMissing).toBe(0);
      expect(round.enqueued).toEqual([]);
      const state = JSON.parse((await h.redis.get(h.services.keys.repairState))!) as { boardsMissing: Record<string, number> };
      expect(state.boardsMissing).toEqual({ 'KOSPI200:20261210': 5 });
      for (const q of QUEUE_NAMES) expect(await h.services.queues.queues[q].count(), q).toBe(0);
      // data_quality counts the trading date so far: the night session before it and the day up to 09:16.
      const night = cal.candleMinutes('night', DATE).length;
      const day = cal.candleMinutes('derivatives', DATE).filter((t) => t <= UP_TO).length;
      const dq = await db.pool.query<{ expected: number; actual: number; missing: number }>(
        "SELECT expected, actual, cardinality(missing_minutes) AS missing FROM data_quality WHERE instrument = 'KOSPI200:20261210' AND trading_date = $1", [DATE]);
      expect(dq.rows).toEqual([{ expected: night + day, actual: day - 5, missing: night + 5 }]);
    } finally {
      await loop.close();
    }
  });
});
