/**
 * Late data reaches strategies: a batch runs with one instrument's minute missing; when a repair stores
 * that minute, the strategies re-run for it exactly once (signals flagged late), and repeating the repair
 * runs nothing and duplicates nothing. Real Redis queues and workers, real PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { handlers } from '../../jobs/handlers/index.js';
import { collectionPlanSchema } from '../../jobs/barrier.js';
import { createLogger } from '../../src/log.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { addMinutes, formatKst, kstTime, toInstant, type KstTime } from '../../src/time/kst.js';
import type { Strategy } from '../../src/strategy/api.js';
import { claimLate, closeBatch, finishLate, openBatch } from '../../src/strategy/late-batches.js';
import { storeSignals } from '../../src/strategy/store.js';
import { createStorage } from '../../workers/adapters/storage.js';
import { createStrategyRunner } from '../../workers/adapters/strategy.js';
import { createWorkerPool, type WorkerPool } from '../../workers/pool.js';
import { startChaosEnv, until } from '../chaos/harness.js';
import { enqueueBackfill, waitForBackfill } from '../../workers/backfill.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';

const cal = defaultCalendar();
const T = kstTime(2026, 11, 24, 9, 5);
const CODES = ['005930', '000660'];
/** One `seen` signal per instrument that has a candle in the batch, valued at its close. */
const seen: Strategy = {
  name: 'seen',
  lookback: 1,
  instruments: () => CODES,
  onBatch: (input) => [...input.batch.values()].map((c) => ({ time: input.time, symbol: c.symbol, kind: 'seen', value: c.close })),
};
const candle = (code: string, close: number) => ({ code, time: T, open: close, high: close + 1, low: close - 1, close, volume: 10 });

let db: TestDb | undefined;
let h: QueueHarness | undefined;
const pools: WorkerPool[] = [];
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  await h?.close();
  h = undefined;
  await db?.drop();
});

interface BatchRow { ran_at: KstTime | null; missing: string[]; late_codes: string[]; late_runs: number }
const batchRow = async (minute = T) =>
  (await db!.pool.query<BatchRow>('SELECT ran_at, missing, late_codes, late_runs FROM strategy_batches WHERE minute = $1', [formatKst(minute)])).rows[0];
const signalsAt = async (minute = T) =>
  (await db!.pool.query<{ symbol: string; value: number; late: boolean }>('SELECT symbol, value, late FROM signals WHERE "timestamp" = $1 ORDER BY symbol', [formatKst(minute)])).rows;

describe('late data reaches strategies', () => {
  it('a repaired minute re-runs its batch once, flagged late; repeating the repair runs nothing', { timeout: 90_000 }, async () => {
    const clock = new AcceleratedClock(toInstant(addMinutes(T, 3)), 1);
    const log = createLogger({ level: 'silent', stream: new Writable({ write: (_c, _e, cb) => cb() }) });
    const storage = createStorage(db!.pool, cal, 5);
    const strategy = createStrategyRunner(db!.pool, cal, clock, log, { live: [{ strategy: seen, timeoutMs: 10_000, entry: { name: 'seen', module: 'seen', params: {}, timeoutMs: 10_000 } }] });
    h = queueHarness(testPrefix('late'), clock, { storage, strategy });
    const s = h.services;
    // The batch: both stocks expected, only 005930 stored by the deadline (deadline 0: the job is due at once).
    await s.batches.publishPlan(collectionPlanSchema.parse({ deadlineMs: 0, candles: CODES.map((code) => ({ code, products: ['stocks'] })) }));
    await storage.writeCandles('stock', [candle('005930', 100)]);
    expect(await s.batches.open(T)).toBe(true);
    await s.batches.complete(T, '005930');
    for (const queue of ['upsert', 'strategy'] as const) {
      pools.push(createWorkerPool({ queue, concurrency: 2, connection: h.redis, prefix: h.prefix, services: s, handlers }));
    }
    const ran = await until('the on-time run recorded', async () => ((await batchRow())?.ran_at ? batchRow() : undefined), 45_000);
    expect(ran).toMatchObject({ missing: ['000660'], late_codes: [], late_runs: 0 });
    expect(await signalsAt()).toEqual([{ symbol: '005930', value: 100, late: false }]);

    // The repair (as the repair loop's backfill page hands it on: no batch) stores the missing minute.
    const repair = (n: number) => s.queues.add('upsert-candles', { code: '000660', family: 'stock', account: 'main', from: T, to: addMinutes(T, 1), candles: [candle('000660', 200)] }, { jobId: `up-test:000660:${n}` });
    await repair(1);
    const late = await until('the late re-run', async () => ((await batchRow())?.late_runs ? batchRow() : undefined), 45_000);
    expect(late).toMatchObject({ missing: [], late_codes: ['000660'], late_runs: 1 });
    expect(await signalsAt()).toEqual([
      { symbol: '000660', value: 200, late: true },
      { symbol: '005930', value: 100, late: false },
    ]);

    // Repeating the repair: the upsert completes, nothing is enqueued, no new run, no duplicate signal.
    await repair(2);
    await until('the repeated repair written', async () => ((await (await s.queues.queues.upsert.getJob('up-test:000660:2'))?.getState()) === 'completed' ? true : undefined), 45_000);
    const lateJobs = await s.queues.queues.strategy.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(lateJobs.filter((j) => j.name === 'run-strategy-late')).toHaveLength(1);
    expect(await batchRow()).toMatchObject({ late_runs: 1 });
    expect(await signalsAt()).toHaveLength(2);
    expect(Number(await h.redis.hget(s.keys.strategyRuns(T), '202611240905'))).toBe(1);
  });

  it('through the real repair path: a backfill page fetched from the simulator re-runs the batch once; a repeated backfill runs nothing', { timeout: 120_000 }, async () => {
    const env = await startChaosEnv({ start: '2026-11-24T09:08:00', speed: 1, databaseUrl: db!.url, subscriptions: [{ rule: 'stocks', codes: CODES }] });
    const s = env.rt.services;
    try {
      await s.batches.publishPlan(collectionPlanSchema.parse({ deadlineMs: 0, candles: CODES.map((code) => ({ code, products: ['stocks'] })) }));
      const [bar] = env.sim.market.minuteBars('005930', T, addMinutes(T, 1));
      await s.storage.writeCandles('stock', [{ code: '005930', time: T, open: bar!.open, high: bar!.high, low: bar!.low, close: bar!.close, volume: bar!.volume }]);
      await s.batches.open(T);
      await s.batches.complete(T, '005930');
      expect(await until('the on-time run recorded', async () => ((await batchRow())?.ran_at ? batchRow() : undefined), 60_000)).toMatchObject({ missing: ['000660'], late_runs: 0 });
      const backfill = async (tag: string) => {
        const e = await enqueueBackfill(s.queues, { code: '000660', family: 'stock', pages: [{ from: T, to: addMinutes(T, 1) }], minutes: 1, expected: [T] }, 'sim', tag);
        const p = await waitForBackfill(s.queues, e, () => undefined);
        expect(p.failed).toEqual([]);
      };
      await backfill('first');
      expect(await until('the late re-run', async () => ((await batchRow())?.late_runs ? batchRow() : undefined), 60_000)).toMatchObject({ missing: [], late_codes: ['000660'], late_runs: 1 });
      const signals = await signalsAt();
      await backfill('again');
      const late = (await s.queues.queues.strategy.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter((j) => j.name === 'run-strategy-late');
      expect(late).toHaveLength(1);
      expect(await batchRow()).toMatchObject({ late_runs: 1 });
      expect(await signalsAt()).toEqual(signals);
    } finally {
      await env.close();
    }
  });

  it('a late run waits for the on-time run, and a retry after a crash reuses its claim (same signals flagged, counted once)', async () => {
    const pool = db!.pool;
    await openBatch(pool, T, CODES);
    expect(await claimLate(pool, T, ['000660'])).toEqual({ status: 'running' });
    await storeSignals(pool, 'seen', [T], [{ strategy: 'seen', time: T, symbol: '005930', kind: 'seen', value: 100 }]);
    await closeBatch(pool, T, ['000660'], addMinutes(T, 1));
    // A second close (a retried on-time job) keeps the first run's record.
    await closeBatch(pool, T, [], addMinutes(T, 2));
    expect(await claimLate(pool, T, ['005930'])).toEqual({ status: 'nothing' });
    const claim = await claimLate(pool, T, ['000660']);
    expect(claim).toEqual({ status: 'claimed', codes: ['000660'], stillMissing: [] });
    // The run stores (one changed, one new signal), then the process dies before finishLate; the retry claims again.
    const after = [
      { strategy: 'seen', time: T, symbol: '005930', kind: 'seen', value: 101 },
      { strategy: 'seen', time: T, symbol: '000660', kind: 'seen', value: 200 },
    ];
    await storeSignals(pool, 'seen', [T], after);
    expect(await claimLate(pool, T, ['000660'])).toEqual(claim);
    await storeSignals(pool, 'seen', [T], after);
    expect(await finishLate(pool, T, addMinutes(T, 3))).toBe(2);
    expect(await batchRow()).toMatchObject({ missing: [], late_codes: ['000660'], late_runs: 1 });
    expect(await finishLate(pool, T, addMinutes(T, 4))).toBe(0);
    expect(await claimLate(pool, T, ['000660'])).toEqual({ status: 'nothing' });
    expect((await signalsAt()).map((r) => [r.symbol, r.late])).toEqual([['000660', true], ['005930', true]]);
  });
});
