import { afterEach, describe, expect, it } from 'vitest';
import { RealClock, type Clock } from '../../src/time/clock.js';
import { kstTime, toInstant } from '../../src/time/kst.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeCandles } from '../../src/db/writer.js';
import { pgStoredMinutes } from '../../src/repair/stored.js';
import { repairConfigSchema } from '../../src/repair/config.js';
import { RepairLoop } from '../../jobs/repair.js';
import { createTestDb } from '../helpers/db.js';

let h: QueueHarness | undefined;
let dash: Dashboard | undefined;
afterEach(async () => {
  await dash?.close();
  await h?.close();
  dash = h = undefined;
});

async function start(clock: Clock = new RealClock()): Promise<Dashboard> {
  h = queueHarness(testPrefix('repvis'), clock);
  return startDashboard({
    host: '127.0.0.1', port: 0, readOnly: false, insecureLocal: true,
    queues: h.services.queues.queues, redis: h.redis, stats: h.services.stats, clock: new RealClock(), log: h.services.log, prefix: h.prefix,
  });
}

describe('repair visibility in /metrics and /health', () => {
  it('before any round: no gauge values, health says no round yet', async () => {
    dash = await start();
    const metrics = await (await fetch(`${dash.url}/metrics`)).text();
    expect(metrics).toContain('# TYPE krtrade_missing_minutes gauge');
    expect(metrics).not.toMatch(/^krtrade_missing_minutes\{/m);
    expect(metrics).toMatch(/^krtrade_repair_last_round_timestamp_seconds 0$/m);
    const health = (await (await fetch(`${dash.url}/health`)).json()) as { repair: unknown };
    expect(health.repair).toEqual({ lastRound: null, totalMissing: null, instruments: [] });
  });

  it('reports the last round: missing minutes per instrument, its time, and boards', async () => {
    dash = await start();
    // The state exactly as jobs/repair.ts writes it at the end of a round.
    const round = { at: '2026-11-10T10:15:00', upTo: '2026-11-10T10:11:00', missing: { '005930': 3, A01612: 1 }, totalMissing: 4, enqueued: ['005930', 'A01612'], boardsMissing: { 'KOSPI200 2026-12': 2 } };
    await h!.redis.set(h!.services.keys.repairState, JSON.stringify(round));
    const metrics = await (await fetch(`${dash.url}/metrics`)).text();
    expect(metrics).toMatch(/^krtrade_missing_minutes\{instrument="005930",kind="candles"\} 3$/m);
    expect(metrics).toMatch(/^krtrade_missing_minutes\{instrument="A01612",kind="candles"\} 1$/m);
    expect(metrics).toMatch(/^krtrade_missing_minutes\{instrument="KOSPI200 2026-12",kind="boards"\} 2$/m);
    const at = toInstant(kstTime(2026, 11, 10, 10, 15)) / 1000;
    expect(metrics).toMatch(new RegExp(`^krtrade_repair_last_round_timestamp_seconds ${at}$`, 'm'));
    const health = (await (await fetch(`${dash.url}/health`)).json()) as { repair: unknown };
    expect(health.repair).toEqual({
      lastRound: '2026-11-10T10:15:00', totalMissing: 4,
      instruments: [{ instrument: '005930', missing: 3 }, { instrument: 'A01612', missing: 1 }],
      boards: [{ board: 'KOSPI200 2026-12', missing: 2 }],
    });
  });

  it('shows what a real repair loop round found', async () => {
    const db = await createTestDb();
    try {
      const DATE = '2026-11-24' as KstDate;
      const cal = defaultCalendar();
      // Clock 10:20, settle 3: minutes up to 10:16 are checked; 10:00–10:04 were never stored.
      dash = await start(new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 10, 20)), 1));
      const gap = (t: KstTime) => t >= kstTime(2026, 11, 24, 10, 0) && t < kstTime(2026, 11, 24, 10, 5);
      await writeCandles(db.pool, 'stocks_1m', cal.candleMinutes('stocks', DATE).filter((t) => t <= kstTime(2026, 11, 24, 10, 16) && !gap(t))
        .map((time) => ({ symbol: '000660', time, tradingDate: DATE, open: 100, high: 101, low: 99, close: 100, volume: 1 })));
      const loop = new RepairLoop({
        services: h!.services, stored: pgStoredMinutes(db.pool), pool: db.pool, calendar: cal, config: repairConfigSchema.parse({ settleMinutes: 3 }),
        targets: () => ({ tradingDate: DATE, candles: [{ code: '000660', family: 'stock', products: ['stocks'], account: 'sim' }] }),
      });
      await loop.runOnce();
      await loop.close();
      const metrics = await (await fetch(`${dash.url}/metrics`)).text();
      expect(metrics).toMatch(/^krtrade_missing_minutes\{instrument="000660",kind="candles"\} 5$/m);
      // The clock runs at real speed from 10:20: the round ran within the minute.
      const at = Number(/^krtrade_repair_last_round_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
      const t0 = toInstant(kstTime(2026, 11, 24, 10, 20)) / 1000;
      expect(at).toBeGreaterThanOrEqual(t0);
      expect(at).toBeLessThan(t0 + 60);
      const health = (await (await fetch(`${dash.url}/health`)).json()) as { repair: { lastRound: string } };
      expect(health.repair).toMatchObject({ totalMissing: 5, instruments: [{ instrument: '000660', missing: 5 }] });
      expect(health.repair.lastRound).toMatch(/^2026-11-24T10:20:\d\d/);
    } finally {
      await db.drop();
    }
  });
});
