import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { AcceleratedClock, type Clock } from '../../src/time/clock.js';
import { type KstTime, addMinutes, formatKst, parseKst, toInstant, toKst } from '../../src/time/kst.js';
import { dueHorizon } from '../../src/pipeline/schedule.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { subscriptionSchema } from '../../src/pipeline/subscriptions.js';
import { Scheduler } from '../../workers/scheduler.js';
import { instrumentRules } from '../../workers/pools.js';
import { REDIS_URL, testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

let h: QueueHarness | undefined;
let foreign: Worker | undefined;
afterEach(async () => {
  await foreign?.close();
  foreign = undefined;
  await h?.close();
  h = undefined;
});

const calendar = defaultCalendar();
/** A clock running at `speed` from KST `at`. */
const clockAt = (at: string, speed = 1) => new AcceleratedClock(toInstant(parseKst(at)), speed);
const SUBS = [
  { rule: 'stocks', codes: ['005930'] },
  { rule: 'front-future', family: 'kospi200' },
  { rule: 'options', series: ['monthly'] },
].map((s) => subscriptionSchema.parse(s));

/** A scheduler process; `clock` overrides the time its ticks see (the queues keep the harness's clock). */
function scheduler(harness: QueueHarness, o: { clock?: Clock; subs?: typeof SUBS } = {}): Scheduler {
  return new Scheduler({
    services: { ...harness.services, ...(o.clock ? { clock: o.clock } : {}) },
    calendar,
    rules: instrumentRules(calendar),
    subscriptions: o.subs ?? SUBS,
    defaultAccount: 'main',
    bufferMs: 2_000,
    strategyDeadlineMs: 20_000,
    // Nothing stored: every expected minute of the window is missing.
    stored: { candleMinutes: () => Promise.resolve(new Set<number>()) },
  });
}

/** Every job scheduler of the fetch queue: id, pattern, and the KST minute its pending firing stands for. */
async function schedulersOf(harness: QueueHarness) {
  const fetch = harness.services.queues.queues.fetch;
  const ft = harness.services.fireTimes;
  const list = await fetch.getJobSchedulers(0, -1, true);
  return list
    .map((s) => ({ id: s.key, pattern: s.pattern, job: s.name, nextMinute: s.next ? formatKst(ft.minuteOf(ft.pattern(s.pattern!), s.next)) : null }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Minutes handed back by live catch-up jobs and backfill pages, as KST strings, ascending. */
async function recoveredMinutes(harness: QueueHarness): Promise<string[]> {
  const q = harness.services.queues.queues;
  const live = (await q.fetch.getJobs(['waiting', 'prioritized'])).filter((j) => !j.repeatJobKey).map((j) => (j.data as { minute: KstTime }).minute);
  const pages = (await q.backfill.getJobs(['waiting', 'prioritized'])).map((j) => j.data as { from: KstTime; to: KstTime });
  const backfilled = pages.flatMap((p) => harness.services.fireTimes.index.between(['stocks'], addMinutes(p.from, -1), addMinutes(p.to, -1)));
  return [...live, ...backfilled].sort((a, b) => a - b).map(formatKst);
}

async function jobIdsOf(harness: QueueHarness, queue: 'fetch' | 'backfill' | 'strategy', states: ('waiting' | 'prioritized' | 'delayed' | 'active' | 'completed')[] = ['waiting', 'prioritized', 'delayed', 'active', 'completed']): Promise<string[]> {
  const jobs = await harness.services.queues.queues[queue].getJobs(states);
  return jobs.map((j) => j.id!).sort();
}

describe('scheduler', () => {
  it('starting mid-session: one BullMQ job scheduler per instrument and kind firing the next minute, the session so far in one backfill each; a restart changes nothing', async () => {
    h = queueHarness(testPrefix('sched'), clockAt('2026-11-24 09:05:03'));
    const r = await scheduler(h).tick();
    expect(r).toMatchObject({ tradingDate: '2026-11-24', schedulers: 3, created: 3, recovered: 2, active: true, paused: false });
    const expected = [
      { id: 'board:KOSPI200-monthly', job: 'fetch-board', pattern: 'krx-minutes sessions=derivatives,night until=2026-12-10 buffer=2000ms', nextMinute: '2026-11-24 09:05:00' },
      { id: 'candles:005930', job: 'fetch-candles', pattern: 'krx-minutes sessions=stocks buffer=2000ms', nextMinute: '2026-11-24 09:05:00' },
      { id: 'candles:A01612', job: 'fetch-candles', pattern: 'krx-minutes sessions=derivatives,night until=2026-12-10 buffer=2000ms', nextMinute: '2026-11-24 09:05:00' },
    ];
    expect(await schedulersOf(h)).toEqual(expected);
    // Exactly one pending (delayed) firing per scheduler: what bull-board shows as "next".
    const delayed = await jobIdsOf(h, 'fetch', ['delayed']);
    expect(delayed).toHaveLength(3);
    expect(delayed.every((id) => id.startsWith('repeat:'))).toBe(true);
    // The minutes before the first firing: one backfill per instrument (boards have no history at KIS).
    // (Repair pages carry a fresh tag per enqueue: a page completed before must not make a repeat a no-op.)
    expect((await jobIdsOf(h, 'backfill')).map((id) => id.replace(/-[0-9a-f]{8}$/, ''))).toEqual(['backfill-candles:005930:202611240900-202611240905', 'backfill-candles:A01612:202611240845-202611240905']);
    expect(JSON.parse((await h.redis.get(h.services.keys.plan))!)).toEqual({
      deadlineMs: 20_000,
      candles: [{ code: '005930', products: ['stocks'] }, { code: 'A01612', products: ['derivatives', 'night'], expiry: '2026-12-10' }],
    });

    // The same process again, and a new scheduler process: nothing new, nothing duplicated.
    const same = { created: 0, updated: 0, rearmed: 0, removed: 0, recovered: 0 };
    const again = scheduler(h);
    expect(await again.tick()).toMatchObject(same);
    expect(await again.tick()).toMatchObject(same);
    expect(await scheduler(h).tick()).toMatchObject(same);
    expect(await schedulersOf(h)).toEqual(expected);
    expect(await jobIdsOf(h, 'fetch', ['delayed'])).toEqual(delayed);
    expect(await jobIdsOf(h, 'backfill')).toHaveLength(2);
  });

  it('a changed subscription account updates the template; the pending firing keeps its minute', async () => {
    h = queueHarness(testPrefix('sched'), clockAt('2026-11-24 10:00:03'));
    const stocks = (account: string) => [subscriptionSchema.parse({ rule: 'stocks', codes: ['005930'], account })];
    await scheduler(h, { subs: stocks('main') }).tick();
    await scheduler(h, { subs: stocks('second') }).tick();
    const s = (await h.services.queues.queues.fetch.getJobScheduler('candles:005930'))!;
    expect(s.template?.data).toEqual({ code: '005930', family: 'stock', account: 'second' });
    expect(await schedulersOf(h)).toEqual([expect.objectContaining({ id: 'candles:005930', nextMinute: '2026-11-24 10:00:00' })]);
    expect(await jobIdsOf(h, 'fetch', ['delayed'])).toHaveLength(1);
  });

  it('an update that replaces a firing already due but not taken hands that minute back', async () => {
    // 60×: a simulated minute per real second.
    // Starts 12 simulated s (0.2 real s) before the 10:00 firing, so the first tick's own work never reaches it.
    h = queueHarness(testPrefix('sched'), clockAt('2026-11-24 10:00:50', 60));
    const stocks = (account: string) => [subscriptionSchema.parse({ rule: 'stocks', codes: ['005930'], account })];
    await scheduler(h, { subs: stocks('main') }).tick();
    // The 10:00 firing (10:01:02) comes due while no worker takes it (paused by an operator).
    await h.services.queues.queues.fetch.pause();
    await new Promise((r) => setTimeout(r, 600));
    const r = await scheduler(h, { subs: stocks('second') }).tick();
    expect(r).toMatchObject({ updated: 1, recovered: 1 });
    // BullMQ's upsert replaced the due firing; its minute (and any after it up to the newest closed) comes back
    // (the session before 10:00 was the first tick's backfill).
    const recovered = (await recoveredMinutes(h)).filter((m) => m >= '2026-11-24 10:00');
    expect(recovered[0]).toBe('2026-11-24 10:00:00');
    expect((await h.services.queues.queues.fetch.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) => j.repeatJobKey)).toHaveLength(1);
  });

  it('pauses the live queues after the close and resumes them just before the next session', async () => {
    h = queueHarness(testPrefix('sched'), clockAt('2026-11-24 15:29:03'));
    const stocksOnly = [SUBS[0]!];
    await scheduler(h, { subs: stocksOnly }).tick();
    // 15:31:03: the 15:30 closing-print candle fired a second ago; its batch is still in flight.
    expect(await scheduler(h, { subs: stocksOnly, clock: clockAt('2026-11-24 15:31:03') }).tick()).toMatchObject({ active: true, paused: false });
    expect(await scheduler(h, { subs: stocksOnly, clock: clockAt('2026-11-24 16:00:00') }).tick()).toMatchObject({ active: false, paused: true });
    const q = h.services.queues.queues;
    expect([await q.fetch.isPaused(), await q.strategy.isPaused(), await q.backfill.isPaused()]).toEqual([true, true, false]);
    // The scheduler's pending firing is the next morning's first minute: nothing piles up overnight.
    expect(await schedulersOf(h)).toEqual([expect.objectContaining({ nextMinute: '2026-11-24 15:30:00' })]);
    expect(await scheduler(h, { subs: stocksOnly, clock: clockAt('2026-11-25 08:57:00') }).tick()).toMatchObject({ paused: true });
    expect(await scheduler(h, { subs: stocksOnly, clock: clockAt('2026-11-25 08:59:30') }).tick()).toMatchObject({ active: true, paused: false });
    expect(await q.fetch.isPaused()).toBe(false);
  });

  it('re-arms a scheduler whose chain of firings ended and hands its missed minutes back as live catch-up jobs', async () => {
    // 60×: a simulated minute per real second.
    // 12 simulated s (0.2 real s) before the 09:05 firing: the first tick's own work never reaches it.
    h = queueHarness(testPrefix('sched'), clockAt('2026-11-24 09:05:50', 60));
    const stocksOnly = [SUBS[0]!];
    await scheduler(h, { subs: stocksOnly }).tick();
    // A worker without krtrade's repeat strategy takes the 09:05 firing: it runs, but no next firing is added.
    foreign = new Worker('fetch', async () => 'ran', { connection: { url: REDIS_URL }, prefix: h.prefix, settings: { repeatStrategy: () => undefined } });
    foreign.on('error', () => undefined);
    const q = h.services.queues.queues.fetch;
    const until = Date.now() + 10_000;
    // Until the firing itself (not only the catch-up jobs before it) has been taken and run.
    while ((await q.getJobCountByTypes('delayed', 'waiting', 'prioritized', 'active')) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await foreign.close();
    foreign = undefined;
    expect(await jobIdsOf(h, 'fetch', ['delayed', 'waiting', 'prioritized'])).toEqual([]);
    // A chain counts as ended once its firing is past due by more than 5 real seconds.
    await new Promise((r) => setTimeout(r, 5_200));
    const r = await scheduler(h, { subs: stocksOnly }).tick();
    expect(r).toMatchObject({ rearmed: 1, recovered: 1 });
    expect(await jobIdsOf(h, 'fetch', ['delayed'])).toHaveLength(1);
    // The minutes after the last firing (09:05) up to the newest closed one come back, each exactly once:
    // as live catch-up jobs (a few) or one backfill (more; how many fit in 5 real seconds depends on the machine).
    const horizon = dueHorizon(toKst(h.services.clock.now()), 2_000);
    const recovered = await recoveredMinutes(h);
    const want = (to: KstTime) => h!.services.fireTimes.index.between(['stocks'], parseKst('2026-11-24 09:05'), to).map(formatKst);
    expect([want(horizon), want(addMinutes(horizon, -1))]).toContainEqual(recovered);
    expect(recovered[0]).toBe('2026-11-24 09:06:00');
  }, 30_000);

  it('leaves queues alone while an operator has paused them', async () => {
    h = queueHarness(testPrefix('sched'), clockAt('2026-11-24 10:00:03'));
    await h.redis.set(h.services.keys.manualPause, 'x');
    await h.services.queues.queues.fetch.pause();
    const r = await scheduler(h).tick();
    expect(r.active).toBe(true);
    expect(await h.services.queues.queues.fetch.isPaused()).toBe(true);
  });

  it('replaces pending firings left by another clock or start under the same prefix (a demo restarted later in the day)', async () => {
    const prefix = testPrefix('sched-stale');
    // The first run started before the open: its pending firings stand for 08:45 (derivatives) and 09:00 (stocks).
    const before = queueHarness(prefix, clockAt('2026-11-24 08:43:00'));
    try {
      await scheduler(before).tick();
      expect((await schedulersOf(before)).map((s) => s.nextMinute)).toEqual(['2026-11-24 08:45:00', '2026-11-24 09:00:00', '2026-11-24 08:45:00']);
      // Restarted at 10:00 under the same prefix: those firings lie minutes ahead in real time; this clock's next one is 10:00.
      h = queueHarness(prefix, clockAt('2026-11-24 10:00:03'));
      expect(await scheduler(h).tick()).toMatchObject({ created: 0, replaced: 3 });
      expect((await schedulersOf(h)).map((s) => s.nextMinute)).toEqual(['2026-11-24 10:00:00', '2026-11-24 10:00:00', '2026-11-24 10:00:00']);
      // And the replaced schedulers' session so far is recovered like a new scheduler's.
      expect((await jobIdsOf(h, 'backfill')).length).toBe(2);
      expect(await scheduler(h).tick()).toMatchObject({ replaced: 0 });
    } finally {
      await before.close();
    }
  });
});
