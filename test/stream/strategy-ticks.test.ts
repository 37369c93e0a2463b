/**
 * `pipeline.strategyInput: ticks`: with no REST fetch running at all, every minute batch still runs —
 * complete, once, promptly — from the bars the stream builds from trades, and what the strategy saw is
 * exactly the stored tick bars.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { addMinutes, dateOf, floorMinute, formatKst, toKst, type KstTime } from '../../src/time/kst.js';
import { jobIds, minuteLabel } from '../../src/pipeline/ids.js';
import { resolveSubscriptions } from '../../src/pipeline/subscriptions.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { createRuntime, type Runtime } from '../../workers/runtime.js';
import { instrumentRules, startPools, startScheduler } from '../../workers/pools.js';
import type { Scheduler } from '../../workers/scheduler.js';
import { startStreamService, type StreamService } from '../../workers/stream.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { until } from './children.js';

const ECHO = new URL('./fixtures/echo-strategy.ts', import.meta.url).pathname;
const prefix = testPrefix('sticks');
let sim: SimulatorHandle;
let db: TestDb;
let rt: Runtime;
let svc: StreamService;
let scheduler: Scheduler;
let codes: string[];

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, start: '2026-12-03T10:00', speed: 30, port: 0, wsPort: 0, streamIntervalMs: 50, noticeEveryMs: 0 });
  db = await createTestDb();
  const subscriptions = [
    { rule: 'stocks', codes: ['005930', '000660'], kinds: ['candles', 'ticks'] },
    { rule: 'front-future', family: 'kospi200', kinds: ['candles', 'ticks'] },
  ];
  const probe = configSchema.parse({ pipeline: { subscriptions } });
  codes = resolveSubscriptions(probe.pipeline.subscriptions, dateOf(toKst(sim.clock.now())), instrumentRules(defaultCalendar()), 'sim').candles.map((c) => c.code).sort();
  const config = configSchema.parse({
    redis: { url: REDIS_URL, prefix },
    database: { url: db.url },
    kis: { accounts: [{ name: 'sim', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl, wsUrl: sim.wsUrl }], ws: { subscribeIntervalMs: 0 } },
    // A deadline far away in real time: a batch that ran complete before it was completed by the tick bars.
    pipeline: { strategyInput: 'ticks', strategyDeadlineMs: 120_000, strategyDeadlineMinRealMs: 20_000, subscriptions },
    strategies: [{ name: 'echo', module: ECHO, instruments: codes }],
    log: { level: 'silent' },
  });
  rt = await createRuntime(config, sim.clock, createLogger({ level: 'silent' }), 'strategy-ticks-test');
  // No fetch pool: the REST poll never delivers a candle.
  startPools(rt, ['strategy'], { concurrency: 1, lockDurationMs: 5_000 });
  scheduler = startScheduler(rt);
  svc = await startStreamService(rt);
}, 60_000);
afterAll(async () => {
  await scheduler?.close();
  await svc?.close();
  await rt?.close();
  await sim?.close();
  await db?.drop();
  await deleteKeys(prefix);
});

describe('strategy from tick bars', () => {
  it('runs every batch once, complete, from the tick bars, with no REST candle at all', async () => {
    await until(() => svc.worker.holding().length === 1 && svc.recorder.counters.trades > 0, 'the stream recording trades');
    // The minute in progress started before the registrations: its bars are partial. Check the next four.
    const first = addMinutes(floorMinute(toKst(sim.clock.now())), 1);
    const minutes = [0, 1, 2, 3].map((i) => addMinutes(first, i));
    const strategyQueue = rt.queues.queues.strategy;
    const finished = async (m: KstTime) => (await strategyQueue.getJob(jobIds.strategy(m)))?.finishedOn !== undefined;
    const end = Date.now() + 60_000;
    for (const m of minutes) {
      while (!(await finished(m))) {
        if (Date.now() > end) throw new Error(`strategy batch ${formatKst(m)} did not run`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM candles_1m')).rows[0]!.n), 'REST candles').toBe(0);
    for (const m of minutes) {
      const job = (await strategyQueue.getJob(jobIds.strategy(m)))!;
      expect(job.returnvalue, `batch ${formatKst(m)}`).toMatchObject({ missing: [] });
      expect(await rt.redis.hget(rt.services.keys.strategyRuns(m), minuteLabel(m)), `runs of ${formatKst(m)}`).toBe('1');
      const bars = await db.pool.query<{ symbol: string; open: number; high: number; low: number; close: number; volume: string }>(
        'SELECT symbol, open, high, low, close, volume FROM tick_bars_1m WHERE "timestamp" = $1 ORDER BY symbol', [formatKst(m)],
      );
      const seen = await db.pool.query<{ symbol: string; payload: Record<string, number> }>(
        `SELECT symbol, payload FROM signals WHERE strategy = 'echo' AND "timestamp" = $1 ORDER BY symbol`, [formatKst(m)],
      );
      expect(bars.rows.map((b) => b.symbol), `tick bars of ${formatKst(m)}`).toEqual(codes);
      expect(seen.rows.map((s) => ({ symbol: s.symbol, ...s.payload }))).toEqual(
        bars.rows.map((b) => ({ symbol: b.symbol, open: b.open, high: b.high, low: b.low, close: b.close, volume: Number(b.volume) })),
      );
    }
  }, 120_000);
});
