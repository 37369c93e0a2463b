/** Subscriptions: rules resolved against the instrument master for a trading date, and rolled at expiry by the scheduler. */
import { afterEach, describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/time/clock.js';
import { type KstDate, parseKst, toInstant } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { resolveSubscriptions, subscriptionSchema } from '../../src/pipeline/subscriptions.js';
import { instrumentRules } from '../../workers/pools.js';
import { Scheduler } from '../../workers/scheduler.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

const calendar = defaultCalendar();
const rules = instrumentRules(calendar);
const SUBS = [
  { rule: 'front-future', family: 'kospi200' },
  { rule: 'front-future', family: 'mini' },
  { rule: 'options', series: ['monthly', 'weekly'] },
  { rule: 'stocks', codes: ['005930'] },
  // Also the March contract by code: on the day it becomes the front month it must not be collected twice.
  { rule: 'code', code: 'A01703', account: 'second' },
].map((s) => subscriptionSchema.parse(s));

const resolve = (d: string) => resolveSubscriptions(SUBS, d as KstDate, rules, 'main');

let h: QueueHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('subscriptions', () => {
  it('on the December expiry the front months are still December; the next trading date rolls futures and the monthly board', () => {
    // 2026-12-10 is the second Thursday of December: KOSPI200 quarterly and mini monthly expiry.
    const expiry = resolve('2026-12-10');
    expect(expiry.candles.map((c) => [c.code, c.family, c.expiry ?? null, c.account])).toEqual([
      ['A01612', 'kospi200', '2026-12-10', 'main'],
      ['A05612', 'mini', '2026-12-10', 'main'],
      ['005930', 'stock', null, 'main'],
      ['A01703', 'kospi200', '2027-03-11', 'second'],
    ]);
    expect(expiry.boards.map((b) => [b.key, b.series, b.expiry])).toEqual([
      ['KOSPI200-monthly', 'monthly', '2026-12-10'],
      // No Thursday weekly on a monthly-expiry Thursday: the nearest weekly is the Monday series.
      ['KOSPI200-weekly', 'weekly-mon', '2026-12-14'],
    ]);

    const next = resolve('2026-12-11');
    expect(next.candles.map((c) => [c.code, c.expiry ?? null])).toEqual([
      ['A01703', '2027-03-11'],
      ['A05701', '2027-01-14'],
      ['005930', null],
    ]);
    expect(next.boards.find((b) => b.key === 'KOSPI200-monthly')!.expiry).toBe('2027-01-14');
    // Stocks trade in the stock session only; futures and boards in the day and night derivatives sessions.
    expect(next.candles.map((c) => c.products)).toEqual([['derivatives', 'night'], ['derivatives', 'night'], ['stocks']]);
  });

  it('the scheduler re-resolves at the date change: after the expiry the job scheduler of the new front month replaces the expired one', async () => {
    h = queueHarness(testPrefix('subs'), new AcceleratedClock(toInstant(parseKst('2026-12-10 10:00:03')), 1));
    const at = (t: string) =>
      new Scheduler({
        services: { ...h!.services, clock: new AcceleratedClock(toInstant(parseKst(t)), 1e-9) },
        calendar, rules, subscriptions: [SUBS[0]!], defaultAccount: 'main', bufferMs: 2_000, strategyDeadlineMs: 20_000,
        stored: { candleMinutes: () => Promise.resolve(new Set<number>()) },
      });
    const schedulers = async () => (await h!.services.queues.queues.fetch.getJobSchedulers()).map((x) => `${x.key} ${x.pattern}`);
    expect(await at('2026-12-10 10:00:03').tick()).toMatchObject({ tradingDate: '2026-12-10', created: 1 });
    expect(await schedulers()).toEqual(['candles:A01612 krx-minutes sessions=derivatives,night until=2026-12-10 buffer=2000ms']);
    // The night session after the expiry belongs to 2026-12-11: the March contract already.
    expect(await at('2026-12-10 18:05:03').tick()).toMatchObject({ tradingDate: '2026-12-11', created: 1, removed: 1 });
    expect(await schedulers()).toEqual(['candles:A01703 krx-minutes sessions=derivatives,night until=2027-03-11 buffer=2000ms']);
    const fetchJobs = await h.services.queues.queues.fetch.getJobs(['delayed', 'waiting', 'prioritized']);
    expect(fetchJobs.every((j) => j.repeatJobKey === 'candles:A01703' || (j.data as { code: string }).code === 'A01703')).toBe(true);
  });
});
