import { afterEach, describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/time/clock.js';
import { type KstTime, parseKst, toInstant } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { subscriptionSchema } from '../../src/pipeline/subscriptions.js';
import { Scheduler } from '../../workers/scheduler.js';
import { instrumentRules } from '../../workers/pools.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

let h: QueueHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A clock standing (practically) still at `at`, so a tick sees exactly that time. */
const frozen = (at: string) => new AcceleratedClock(toInstant(parseKst(at)), 1e-9);

function scheduler(harness: QueueHarness, at: string): Scheduler {
  const calendar = defaultCalendar();
  return new Scheduler({
    services: { ...harness.services, clock: frozen(at) },
    calendar,
    rules: instrumentRules(calendar),
    subscriptions: [subscriptionSchema.parse({ rule: 'stocks', codes: ['005930'] })],
    defaultAccount: 'main',
    bufferMs: 2_000,
    strategyDeadlineMs: 20_000,
  });
}

async function jobIdsOf(harness: QueueHarness, queue: 'fetch' | 'backfill' | 'strategy'): Promise<string[]> {
  const jobs = await harness.services.queues.queues[queue].getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed']);
  return jobs.map((j) => j.id!).sort();
}

describe('scheduler', () => {
  it('starting mid-session: one backfill for the session so far, the due minute now, the next minute delayed; restarts add nothing', async () => {
    h = queueHarness(testPrefix('sched'), frozen('2026-11-24 09:05:03'));
    const r = await scheduler(h, '2026-11-24 09:05:03').tick();
    expect(r).toMatchObject({ live: 2, backfills: 1, active: true, paused: false });
    expect(await jobIdsOf(h, 'backfill')).toEqual(['backfill-candles:005930:202611240900-202611240904']);
    expect(await jobIdsOf(h, 'fetch')).toEqual(['candles:005930:202611240904', 'candles:005930:202611240905']);
    expect(await jobIdsOf(h, 'strategy')).toEqual(['strategy:batch:202611240904', 'strategy:batch:202611240905']);
    const next = (await h.services.queues.queues.fetch.getJob('candles:005930:202611240905'))!;
    expect(await next.getState()).toBe('delayed');

    // The same instant again, and a new scheduler process a few seconds later: nothing new.
    await scheduler(h, '2026-11-24 09:05:03').tick();
    await scheduler(h, '2026-11-24 09:05:40').tick();
    expect(await jobIdsOf(h, 'fetch')).toHaveLength(2);
    expect(await jobIdsOf(h, 'backfill')).toHaveLength(1);

    // One minute on: exactly one more minute is handed out.
    await scheduler(h, '2026-11-24 09:06:03').tick();
    expect(await jobIdsOf(h, 'fetch')).toEqual(['candles:005930:202611240904', 'candles:005930:202611240905', 'candles:005930:202611240906']);
    expect(await h.redis.smembers(h.services.keys.batchExpected(parseKst('2026-11-24 09:05') as KstTime))).toEqual(['005930']);
  });

  it('pauses the live queues after the close, and after a night without scheduling recovers the gap with ONE backfill job', async () => {
    h = queueHarness(testPrefix('sched'), frozen('2026-11-24 15:29:03'));
    await scheduler(h, '2026-11-24 15:29:03').tick();
    // 15:31:03: the 15:30 closing-print candle is due; the market is still "active" for its batch.
    expect(await scheduler(h, '2026-11-24 15:31:03').tick()).toMatchObject({ live: 1, active: true });
    const closed = await scheduler(h, '2026-11-24 16:00:00').tick();
    expect(closed).toMatchObject({ active: false, paused: true });
    expect(await h.services.queues.queues.fetch.isPaused()).toBe(true);
    expect(await h.services.queues.queues.backfill.isPaused()).toBe(false);
    // The scheduler was down over night and the first 10 minutes of the next session.
    const next = await scheduler(h, '2026-11-25 09:10:03').tick();
    expect(next).toMatchObject({ backfills: 1, active: true, paused: false });
    // (The first start at 15:29 recovered that day's earlier minutes; the next day's gap is one job.)
    expect((await jobIdsOf(h, 'backfill')).filter((id) => id.includes(':20261125'))).toEqual(['backfill-candles:005930:202611250900-202611250909']);
    // No per-minute pile for the missed minutes: only the due minute and the next one.
    expect((await jobIdsOf(h, 'fetch')).filter((id) => id.includes('20261125'))).toEqual(['candles:005930:202611250909', 'candles:005930:202611250910']);
  });

  it('on an accelerated clock the strategy deadline leaves at least strategyDeadlineMinRealMs of real time after the fetch fires', async () => {
    const at = '2026-11-24 09:05:03';
    h = queueHarness(testPrefix('sched'), frozen(at));
    const calendar = defaultCalendar();
    const fast = new AcceleratedClock(toInstant(parseKst(at)), 90);
    const s = new Scheduler({
      services: { ...h.services, clock: fast }, calendar, rules: instrumentRules(calendar),
      subscriptions: [subscriptionSchema.parse({ rule: 'stocks', codes: ['005930'] })],
      defaultAccount: 'main', bufferMs: 2_000, strategyDeadlineMs: 20_000, strategyDeadlineMinRealMs: 3_000,
    });
    // 20 simulated seconds would be 0.2 real seconds at 90×; the floor stretches it to 3 real seconds.
    expect(s.deadlineMs).toBe(2_000 + 3_000 * 90);
    await s.tick();
    const fetchJob = (await h.services.queues.queues.fetch.getJob('candles:005930:202611240905'))!;
    const strategyJob = (await h.services.queues.queues.strategy.getJob('strategy:batch:202611240905'))!;
    const realGap = strategyJob.timestamp + strategyJob.delay - (fetchJob.timestamp + fetchJob.delay);
    expect(realGap).toBeGreaterThanOrEqual(3_000 - 50);
    expect(realGap).toBeLessThan(3_000 + 500);
  });

  it('leaves queues alone while an operator has paused them', async () => {
    h = queueHarness(testPrefix('sched'), frozen('2026-11-24 10:00:03'));
    await h.redis.set(h.services.keys.manualPause, 'x');
    await h.services.queues.queues.fetch.pause();
    const r = await scheduler(h, '2026-11-24 10:00:03').tick();
    expect(r.active).toBe(true);
    expect(await h.services.queues.queues.fetch.isPaused()).toBe(true);
  });
});
