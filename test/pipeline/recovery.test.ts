/** Missed minutes handed back: a late job-scheduler firing knows which minutes its scheduler skipped; few → live catch-up jobs, many → one backfill. */
import { afterEach, describe, expect, it } from 'vitest';
import { Worker, type Job } from 'bullmq';
import { AcceleratedClock } from '../../src/time/clock.js';
import { type KstTime, addMinutes, formatKst, parseKst, toInstant } from '../../src/time/kst.js';
import { RECOVERY_PAGE_MINUTES, recoverBoardMinutes, recoverMinutes } from '../../jobs/recovery.js';
import { liveMinuteOf, skippedByLateFiring } from '../../jobs/handlers/live-minute.js';
import { REDIS_URL, testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

let h: QueueHarness | undefined;
let worker: Worker | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await h?.close();
  h = undefined;
});

const clockAt = (at: string, speed: number) => new AcceleratedClock(toInstant(parseKst(at)), speed);
const target = { code: '005930', family: 'stock' as const, account: 'main' };
const minutes = (from: string, n: number) => Array.from({ length: n }, (_, i) => addMinutes(parseKst(from), i));
const ids = async (harness: QueueHarness, queue: 'fetch' | 'backfill') => (await harness.services.queues.queues[queue].getJobs(['waiting', 'prioritized', 'delayed'])).map((j) => j.id!).sort();

describe('recovering missed minutes', () => {
  it('a few minutes become live catch-up jobs, more one paged backfill; twice while pending adds nothing', async () => {
    h = queueHarness(testPrefix('recov'), clockAt('2026-11-24 10:00', 1));
    const s = h.services;
    expect(await recoverMinutes(target, minutes('2026-11-24 09:58', 2), s, 'test')).toBe('catch-up');
    expect(await ids(h, 'fetch')).toEqual(['candles:005930:202611240958', 'candles:005930:202611240959']);
    const job = (await s.queues.queues.fetch.getJob('candles:005930:202611240958'))!;
    expect(job.data).toEqual({ ...target, minute: parseKst('2026-11-24 09:58'), kst: '2026-11-24 09:58 KST' });

    const day = minutes('2026-11-24 09:00', 390);
    expect(await recoverMinutes(target, day, s, 'test')).toBe('backfill');
    // The pending page already covers them: nothing added twice.
    expect(await recoverMinutes(target, day, s, 'test')).toBe('none');
    const pages = await ids(h, 'backfill');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatch(/^backfill-candles:005930:202611240900-202611241530-[0-9a-f]{8}$/);
    expect(RECOVERY_PAGE_MINUTES).toBeGreaterThanOrEqual(390);
    expect(await ids(h, 'fetch')).toHaveLength(2);
  });

  it('option boards: a few minutes are taken now as catch-up snapshots, more are lost (no board history at KIS)', async () => {
    h = queueHarness(testPrefix('recov'), clockAt('2026-11-24 10:00', 1));
    const board = { boardKey: 'KOSPI200-monthly', underlying: 'KOSPI200', series: 'monthly' as const, expiry: '2026-12-10', account: 'main' };
    expect(await recoverBoardMinutes(board, minutes('2026-11-24 09:59', 1), h.services, 'test')).toBe('catch-up');
    expect(await recoverBoardMinutes(board, minutes('2026-11-24 09:00', 30), h.services, 'test')).toBe('none');
    expect(await ids(h, 'fetch')).toEqual(['board:KOSPI200-monthly:202611240959']);
  });

  it('a scheduler firing taken late names exactly the minutes its scheduler skipped; on time or on a retry, none', async () => {
    // 60×: a simulated minute per real second.
    h = queueHarness(testPrefix('recov'), clockAt('2026-11-24 09:05:58', 60));
    const s = h.services;
    const fetchQ = s.queues.queues.fetch;
    await fetchQ.upsertJobScheduler('candles:005930', { pattern: 'krx-minutes sessions=stocks buffer=2000ms' }, { name: 'fetch-candles', data: target });
    // Nobody takes the 09:05 firing (fire time 09:06:02) for about three simulated minutes.
    await fetchQ.pause();
    await new Promise((r) => setTimeout(r, 3_200));
    await fetchQ.resume();
    const seen: { minute: string; skipped: string[]; retrySkipped: string[] }[] = [];
    worker = new Worker(
      'fetch',
      async (job: Job) => {
        const live = liveMinuteOf(job, undefined, s);
        const skipped = await skippedByLateFiring(job, live, s);
        const retry = Object.assign(Object.create(Object.getPrototypeOf(job) as object) as Job, job, { attemptsMade: 1 });
        seen.push({ minute: formatKst(live.minute), skipped: skipped.map(formatKst), retrySkipped: (await skippedByLateFiring(retry, live, s)).map(formatKst) });
      },
      { connection: { url: REDIS_URL }, prefix: h.prefix, settings: { repeatStrategy: s.fireTimes.repeatStrategy } },
    );
    const until = Date.now() + 10_000;
    while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await worker.close();
    // The late 09:05 firing: the scheduler's next firing came from "now" (~09:09), so 09:06… were skipped.
    const [late, next] = seen;
    expect(late!.minute).toBe('2026-11-24 09:05:00');
    const nextMinute = parseKst(next!.minute) as KstTime;
    expect(nextMinute).toBeGreaterThanOrEqual(parseKst('2026-11-24 09:08'));
    expect(late!.skipped).toEqual(minutes('2026-11-24 09:06', (nextMinute - parseKst('2026-11-24 09:06')) / 60_000).map(formatKst));
    expect(late!.retrySkipped).toEqual([]);
    // The following firing ran on time: nothing skipped.
    expect(next!.skipped).toEqual([]);
  }, 20_000);

  it('a firing taken just before the next firing time, with BullMQ counting its next from just after: the skipped minute is still named', async () => {
    // Now 09:07:03: the 09:06 minute's firing time (09:07:02) has passed.
    h = queueHarness(testPrefix('recov'), clockAt('2026-11-24 09:07:03', 1));
    const s = h.services;
    const pattern = 'krx-minutes sessions=stocks buffer=2000ms';
    // The scheduler as BullMQ left it: its next firing counted from a moment after 09:07:02, so 09:07.
    await s.queues.queues.fetch.upsertJobScheduler('candles:005930', { pattern }, { name: 'fetch-candles', data: target });
    const real = (kst: string) => Math.round(s.clock.realAt(toInstant(parseKst(kst))));
    // The 09:05 firing (fired 09:06:02), taken by the worker at 09:07:01.5, half a second before 09:07:02.
    const job = { repeatJobKey: 'candles:005930', attemptsMade: 0, processedOn: real('2026-11-24 09:07:01.500'), opts: { prevMillis: real('2026-11-24 09:06:02'), repeat: { pattern } } } as unknown as Job;
    const live = liveMinuteOf(job, undefined, s);
    expect(formatKst(live.minute)).toBe('2026-11-24 09:05:00');
    expect((await skippedByLateFiring(job, live, s)).map(formatKst)).toEqual(['2026-11-24 09:06:00']);
  });
});
