/** The per-minute batching that keeps the pipeline's cost flat with many instruments: group commit, the O(1) barrier, buffered counters. */
import { afterEach, describe, expect, it } from 'vitest';
import { AcceleratedClock, RealClock } from '../../src/time/clock.js';
import { kstTime, toInstant } from '../../src/time/kst.js';
import { PipelineStats } from '../../src/pipeline/stats.js';
import { jobIds, minuteLabel } from '../../src/pipeline/ids.js';
import { MinuteBatches, collectionPlanSchema } from '../../jobs/barrier.js';
import { GroupCommit } from '../../workers/adapters/group-commit.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

let h: QueueHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A write that records its calls and finishes when the test says so. */
function controlledWriter() {
  const calls: { table: string; rows: number[] }[] = [];
  const finish: ((changed: number | Error) => void)[] = [];
  const write = (table: string, rows: number[]) =>
    new Promise<number>((resolve, reject) => {
      calls.push({ table, rows: [...rows] });
      finish.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
    });
  return { calls, finish, write };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  it('writes a lone submission at once, then everything that arrived meanwhile as one write, per table', async () => {
    const w = controlledWriter();
    const g = new GroupCommit<number>(w.write);
    const first = g.submit('stocks_1m', [1]);
    expect(w.calls).toEqual([{ table: 'stocks_1m', rows: [1] }]);
    const later = [g.submit('stocks_1m', [2, 3]), g.submit('stocks_1m', [4]), g.submit('futures_101', [9])];
    // Another table does not wait for this one.
    expect(w.calls.at(-1)).toEqual({ table: 'futures_101', rows: [9] });
    w.finish[0]!(1);
    expect(await first).toBe(1);
    await tick();
    expect(w.calls.filter((c) => c.table === 'stocks_1m')).toEqual([{ table: 'stocks_1m', rows: [1] }, { table: 'stocks_1m', rows: [2, 3, 4] }]);
    // 2 of the group's 3 rows changed: handed out in order, the sum is exact.
    w.finish[2]!(2);
    w.finish[1]!(1);
    expect(await Promise.all(later)).toEqual([2, 0, 1]);
  });

  it('a failed write rejects only its own group; the next group is written', async () => {
    const w = controlledWriter();
    const g = new GroupCommit<number>(w.write);
    const a = g.submit('t', [1]);
    const b = g.submit('t', [2]);
    w.finish[0]!(new Error('connection reset'));
    await expect(a).rejects.toThrow('connection reset');
    await tick();
    w.finish[1]!(1);
    expect(await b).toBe(1);
  });

  it('never puts more than maxRows in one write, and never splits a submission', async () => {
    const w = controlledWriter();
    const g = new GroupCommit<number>(w.write, 3);
    const all = [g.submit('t', [0]), g.submit('t', [1, 2]), g.submit('t', [3, 4]), g.submit('t', [5, 6, 7, 8])];
    for (let i = 0; i < 4; i++) {
      w.finish[i]!(w.calls[i]!.rows.length);
      await tick();
    }
    expect(w.calls.map((c) => c.rows)).toEqual([[0], [1, 2], [3, 4], [5, 6, 7, 8]]);
    expect(await Promise.all(all)).toEqual([1, 2, 2, 4]);
  });
});

describe('minute batch barrier', () => {
  const minute = kstTime(2026, 11, 24, 9, 5);
  const plan = collectionPlanSchema.parse({
    deadlineMs: 20_000,
    candles: [
      { code: '005930', products: ['stocks'] },
      { code: '000660', products: ['stocks'] },
      { code: 'A01612', products: ['derivatives', 'night'], expiry: '2026-12-10' },
    ],
  });

  it('the first fetch of a minute opens its batch from the plan: the strategy job delayed to the deadline, the instruments trading then', async () => {
    h = queueHarness(testPrefix('barrier'), new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 9, 6, 2)), 1));
    const s = h.services;
    expect(await s.batches.open(minute)).toBe(false); // no plan: no scheduler ever ran
    await s.batches.publishPlan(plan);
    expect(await s.batches.publishPlan(plan)).toBe(false);
    expect(await s.batches.open(minute)).toBe(true);
    await h.redis.del(s.keys.batchExpected(minute));
    // Once per process: the second call is remembered, not sent (the set stays deleted).
    expect(await s.batches.open(minute)).toBe(true);
    expect(await h.redis.exists(s.keys.batchExpected(minute))).toBe(0);
    await s.batches.publishPlan({ ...plan, deadlineMs: 20_000 });
    await new MinuteBatches({ redis: h.redis, keys: s.keys, queues: s.queues, clock: s.clock, index: s.fireTimes.index }).open(minute);
    expect((await s.batches.state(minute)).expected).toEqual(['000660', '005930', 'A01612']);
    const job = (await s.queues.queues.strategy.getJob(jobIds.strategy(minute)))!;
    expect(await job.getState()).toBe('delayed');
    // Deadline = minute close + 20 s = 09:06:20, 18 s after now (09:06:02).
    expect(job.delay).toBeGreaterThan(17_500);
    expect(job.delay).toBeLessThanOrEqual(18_000);
    // 08:50: only the future trades; 15:25: stocks in their closing call (no candle until the 15:30 print);
    // 15:45: the futures' closing print.
    expect(s.batches.expected(plan, kstTime(2026, 11, 24, 8, 50))).toEqual(['A01612']);
    expect(s.batches.expected(plan, kstTime(2026, 11, 24, 15, 25))).toEqual(['A01612']);
    expect(s.batches.expected(plan, kstTime(2026, 11, 24, 15, 30))).toEqual(['005930', '000660', 'A01612']);
    expect(s.batches.expected(plan, kstTime(2026, 11, 24, 15, 45))).toEqual(['A01612']);
  });

  it('another process opening the same minute changes nothing; a batch whose strategy ran is not reopened', async () => {
    h = queueHarness(testPrefix('barrier'), new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 9, 6, 2)), 1));
    const s = h.services;
    await s.batches.publishPlan(plan);
    await s.batches.open(minute);
    await s.batches.complete(minute, '005930');
    const other = new MinuteBatches({ redis: h.redis, keys: s.keys, queues: s.queues, clock: s.clock, index: s.fireTimes.index });
    await other.open(minute);
    expect(await s.batches.state(minute)).toMatchObject({ done: ['005930'], missing: ['000660', 'A01612'] });
    // The strategy ran (its marker) and closed the batch: a late fetch in a third process opens nothing.
    await h.redis.hset(s.keys.strategyDone(minute), minuteLabel(minute), '1');
    await s.batches.close(minute);
    const late = new MinuteBatches({ redis: h.redis, keys: s.keys, queues: s.queues, clock: s.clock, index: s.fireTimes.index });
    await late.open(minute);
    expect(await h.redis.exists(s.keys.batchExpected(minute), s.keys.batchDone(minute))).toBe(0);
  });

  it('promotes the strategy job when the last expected code is stored, ignores strangers, and leaves nothing once closed', async () => {
    h = queueHarness(testPrefix('barrier'), new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 9, 6, 2)), 1));
    const s = h.services;
    await s.batches.publishPlan({ deadlineMs: 3_600_000, candles: plan.candles });
    await s.batches.open(minute);
    expect(await s.batches.complete(minute, '005930')).toBe(false);
    expect(await s.batches.complete(minute, '999999')).toBe(false);
    expect(await s.batches.complete(minute, '005930')).toBe(false);
    expect(await s.batches.complete(minute, '000660')).toBe(false);
    const job = (await s.queues.queues.strategy.getJob(jobIds.strategy(minute)))!;
    expect(await job.getState()).toBe('delayed');
    expect(await s.batches.complete(minute, 'A01612')).toBe(true);
    expect(await job.getState()).toBe('waiting');
    expect(await h.redis.smembers(s.keys.batchDone(minute))).toHaveLength(3);

    await s.batches.close(minute);
    // A late upsert after the strategy ran neither promotes nor re-creates the batch's keys.
    expect(await s.batches.complete(minute, '005930')).toBe(false);
    expect(await h.redis.exists(s.keys.batchExpected(minute), s.keys.batchDone(minute))).toBe(0);
  });
});

describe('buffered counters', () => {
  it('add up in memory and reach Redis on flush (and on close), keeping the newest data minute', async () => {
    h = queueHarness(testPrefix('stats'), new RealClock());
    const stats = new PipelineStats(h.redis, h.prefix, { flushMs: 60_000 });
    const direct = new PipelineStats(h.redis, h.prefix);
    await stats.inc('jobs_completed', ['upsert', 'upsert-candles']);
    await stats.inc('jobs_completed', ['upsert', 'upsert-candles'], 4);
    await stats.markData('005930', kstTime(2026, 11, 24, 9, 6));
    await stats.markData('005930', kstTime(2026, 11, 24, 9, 4));
    expect(await direct.counters()).toEqual([]);
    await stats.flush();
    expect(await direct.counters()).toEqual([{ name: 'jobs_completed', labels: ['upsert', 'upsert-candles'], value: 5 }]);
    expect(await direct.lastData()).toEqual(new Map([['005930', kstTime(2026, 11, 24, 9, 6)]]));
    await stats.inc('kis_calls', ['minute-bars'], 2);
    await stats.close();
    await stats.close();
    expect((await direct.counters()).find((c) => c.name === 'kis_calls')?.value).toBe(2);
  });
});
