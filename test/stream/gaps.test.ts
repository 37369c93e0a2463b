/** A stream gap: exact range kept, its minutes in data_quality, REST jobs for them at once (the open minute once it closes). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createQueues, type QueueSet } from '../../jobs/queues.js';
import { GapRecorder, tradingDateAt } from '../../src/stream/gaps.js';
import { gapBackfill } from '../../workers/stream.js';
import { jobIds } from '../../src/pipeline/ids.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { AcceleratedClock, SteerableClock } from '../../src/time/clock.js';
import { createLogger } from '../../src/log.js';
import { type KstTime, parseKst, toInstant } from '../../src/time/kst.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';

const at = (s: string): KstTime => parseKst(s);
const frozenAt = (s: string): AcceleratedClock => new AcceleratedClock(toInstant(at(s)), 1e-9);

let db: TestDb;
let redis: Redis;
let queues: QueueSet;
const prefix = testPrefix('gaps');
const clock = new SteerableClock(frozenAt('2026-12-03 10:03:20'));
const calendar = defaultCalendar();
let gaps: GapRecorder;

beforeAll(async () => {
  db = await createTestDb();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  queues = createQueues(redis, prefix);
  const log = createLogger({ level: 'silent' });
  gaps = new GapRecorder({
    pool: db.pool, redis, prefix, clock, calendar,
    familyOf: (code) => (code.length === 6 && /^\d/.test(code) ? 'stock' : null),
    backfill: gapBackfill({ clock, queues, log }, 'sim'),
  });
});
afterAll(async () => {
  await gaps?.close();
  await queues?.close();
  redis?.disconnect();
  await db?.drop();
  await deleteKeys(prefix);
});

const missing = async (code: string): Promise<string[]> =>
  (await db.pool.query<{ m: string }>(`SELECT to_char(unnest(missing_minutes), 'HH24:MI') AS m FROM data_quality WHERE instrument = $1 ORDER BY 1`, [code])).rows.map((r) => r.m);
const job = (code: string, m: string) => queues.queues.fetch.getJob(jobIds.fetchCandles(code, at(m)));

describe('stream gaps', () => {
  it('records the range, marks its minutes missing and enqueues their REST fetches (the open minute once closed)', async () => {
    await gaps.record({ appKeyName: 'k1', codes: ['005930', '101W12C350'], from: at('2026-12-03 10:01:30'), to: at('2026-12-03 10:03:10'), reason: 'reconnect' });
    expect(await missing('005930')).toEqual(['10:01', '10:02', '10:03']);
    // Options have no REST minute history to fetch: marked, not enqueued.
    expect(await missing('101W12C350')).toEqual(['10:01', '10:02', '10:03']);
    expect(await job('005930', '2026-12-03 10:01')).toBeDefined();
    expect(await job('005930', '2026-12-03 10:02')).toBeDefined();
    expect(await job('005930', '2026-12-03 10:03')).toBeUndefined();
    const listed = await gaps.list(tradingDateAt(at('2026-12-03 10:01:30'), calendar));
    expect(listed.map((g) => [g.fromText, g.toText, g.reason])).toEqual([['2026-12-03 10:01:30', '2026-12-03 10:03:10', 'reconnect']]);

    clock.steer(frozenAt('2026-12-03 10:04:01'));
    for (let i = 0; i < 200 && !(await job('005930', '2026-12-03 10:03')); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await job('005930', '2026-12-03 10:03')).toBeDefined();
    expect(gaps.counters.backfillMinutes).toBe(3);
  });

  it('a long gap becomes one paged backfill; a second gap the same day adds its minutes to the row', async () => {
    clock.steer(frozenAt('2026-12-03 10:30:00'));
    await gaps.record({ appKeyName: 'k1', codes: ['005930'], from: at('2026-12-03 10:10:00'), to: at('2026-12-03 10:19:59'), reason: 'crash' });
    const m = await missing('005930');
    expect(m).toHaveLength(3 + 10);
    expect(m.slice(0, 4)).toEqual(['10:01', '10:02', '10:03', '10:10']);
    // Recovery pages carry a fresh tag per enqueue (a completed page must not make a repeat a no-op).
    const id = jobIds.backfillCandles('005930', at('2026-12-03 10:10'), at('2026-12-03 10:20'));
    const page = (await queues.queues.backfill.getJobs(['waiting', 'prioritized', 'delayed'])).find((j) => j.id?.startsWith(`${id}-`));
    expect(page?.data).toMatchObject({ code: '005930', family: 'stock', account: 'sim' });
  });

  it('dates a night gap to the next trading day', () => {
    expect(tradingDateAt(at('2026-12-03 19:00'), calendar)).toBe('2026-12-04');
    expect(tradingDateAt(at('2026-12-04 02:00'), calendar)).toBe('2026-12-04');
  });

  it('deletes tick bars already stored for minutes a late-known gap touched (the REST bar stands in)', async () => {
    const ins = (m: string) => db.pool.query(
      `INSERT INTO tick_bars_1m (symbol, "timestamp", trading_date, open, high, low, close, volume, trades) VALUES ('000660', $1, '2026-12-03', 1, 1, 1, 1, 1, 1)`, [m],
    );
    for (const m of ['2026-12-03 09:40', '2026-12-03 09:41', '2026-12-03 09:43']) await ins(m);
    const before = gaps.counters.tickBarsDropped;
    await gaps.record({ appKeyName: 'k1', codes: ['000660'], from: at('2026-12-03 09:41:40'), to: at('2026-12-03 09:42:30'), reason: 'pingpong-silence' });
    const left = await db.pool.query<{ m: string }>(`SELECT to_char("timestamp", 'HH24:MI') AS m FROM tick_bars_1m WHERE symbol = '000660' ORDER BY 1`);
    expect(left.rows.map((r) => r.m)).toEqual(['09:40', '09:43']);
    expect(gaps.counters.tickBarsDropped - before).toBe(1);
  });
});
