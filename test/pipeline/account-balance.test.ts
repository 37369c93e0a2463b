/** Spreading subscriptions over app keys by REST budget: even, deterministic, paper keys kept off F/O data. */
import { afterEach, describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/time/clock.js';
import { type KstDate, parseKst, toInstant } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { SIMULATOR_ACCOUNT, defaultAccountName, resolveSubscriptions, subscriptionSchema } from '../../src/pipeline/subscriptions.js';
import { accountBudgets, balanceAccounts, type AccountBudget } from '../../src/pipeline/account-balance.js';
import { configSchema } from '../../src/config/schema.js';
import { instrumentRules } from '../../workers/pools.js';
import { Scheduler } from '../../workers/scheduler.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

const calendar = defaultCalendar();
const rules = instrumentRules(calendar);
const DATE = '2026-11-24' as KstDate;
const STOCKS = ['005930', '000660', '035420', '051910', '006400', '005380', '035720', '068270'];
const SUBS = [
  { rule: 'front-future', family: 'kospi200' },
  { rule: 'front-future', family: 'mini' },
  { rule: 'front-future', family: 'kosdaq150' },
  { rule: 'options', series: ['monthly', 'weekly'] },
  { rule: 'stocks', codes: STOCKS },
].map((s) => subscriptionSchema.parse(s));
const resolve = (subs = SUBS) => resolveSubscriptions(subs, DATE, rules, 'k1');
const real = (name: string, callsPerMinute = 1080): AccountBudget => ({ name, env: 'real', callsPerMinute });
const accountsOf = (r: ReturnType<typeof balanceAccounts>) => [...r.candles.map((c) => [c.code, c.account]), ...r.boards.map((b) => [b.key, b.account])];

let h: QueueHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('balancing subscriptions over app keys', () => {
  it('spreads the calls evenly over equal keys, the same way every time', () => {
    const r = balanceAccounts(resolve(), [real('k1'), real('k2'), real('k3')]);
    // 11 candle targets (1 call/min) + 2 boards (2 calls/min) = 15 calls/min over 3 keys.
    expect(r.load.map((l) => l.load)).toEqual([5, 5, 5]);
    expect(r.warnings).toEqual([]);
    expect(accountsOf(balanceAccounts(resolve(), [real('k1'), real('k2'), real('k3')]))).toEqual(accountsOf(r));
  });

  it('weighs by budget: a key with twice the room gets twice the work', () => {
    const r = balanceAccounts(resolve(), [real('big', 1200), real('small', 600)]);
    expect(r.load.map((l) => [l.name, l.load])).toEqual([['big', 10], ['small', 5]]);
  });

  it('never gives F/O market data to a paper key; stocks may go there', () => {
    const r = balanceAccounts(resolve(), [real('k1'), { name: 'p1', env: 'paper', callsPerMinute: 1080 }]);
    const onPaper = accountsOf(r).filter(([, a]) => a === 'p1').map(([code]) => code);
    expect(onPaper.length).toBeGreaterThan(0);
    expect(onPaper.every((code) => STOCKS.includes(code!))).toBe(true);
  });

  it('F/O pinned to a paper key goes to a real key, with a warning; stocks pinned there stay', () => {
    const subs = [...SUBS, subscriptionSchema.parse({ rule: 'code', code: 'A01703', account: 'p1' }), subscriptionSchema.parse({ rule: 'stocks', codes: ['005490'], account: 'p1' })];
    const r = balanceAccounts(resolve(subs), [real('k1'), { name: 'p1', env: 'paper', callsPerMinute: 108 }]);
    expect(r.candles.find((c) => c.code === 'A01703')?.account).toBe('k1');
    expect(r.candles.find((c) => c.code === '005490')?.account).toBe('p1');
    expect(r.warnings).toContain('1 F/O target(s) pinned to a paper app key (p1) go to real keys instead: paper keys do not serve F/O market data');
  });

  it('the default account (unpinned work, backfills, gap recovery, repairs) is the first real key', () => {
    const config = configSchema.parse({ kis: { accounts: [{ name: 'p1', env: 'paper', appKey: 'x', appSecret: 'y' }, { name: 'r1', appKey: 'x', appSecret: 'y' }] } });
    expect(defaultAccountName(config)).toBe('r1');
    expect(defaultAccountName(configSchema.parse({ kis: { accounts: [{ name: 'p1', env: 'paper', appKey: 'x', appSecret: 'y' }] } }))).toBe('p1');
    expect(defaultAccountName(configSchema.parse({}))).toBe(SIMULATOR_ACCOUNT);
  });

  it('a subscription that names its key keeps it', () => {
    const subs = [...SUBS, subscriptionSchema.parse({ rule: 'code', code: 'A01703', account: 'k2' })];
    const r = balanceAccounts(resolve(subs), [real('k1'), real('k2')]);
    expect(r.candles.find((c) => c.code === 'A01703')?.account).toBe('k2');
  });

  it('adding a key takes work off the others; removing one hands its targets over', () => {
    const two = balanceAccounts(resolve(), [real('k1'), real('k2')]);
    const three = balanceAccounts(resolve(), [real('k1'), real('k2'), real('k3')]);
    expect(Math.max(...three.load.map((l) => l.load))).toBeLessThan(Math.max(...two.load.map((l) => l.load)));
    const one = balanceAccounts(resolve(), [real('k2')]);
    expect(new Set(accountsOf(one).map(([, a]) => a))).toEqual(new Set(['k2']));
  });

  it('over budget: one line per key saying how many keys are missing', () => {
    const r = balanceAccounts(resolve(), [real('k1', 6), real('k2', 6)]);
    expect(r.warnings).toContain('app key k1 is over its REST budget (8 of 6 calls/min); the subscriptions need 15 calls/min and the keys allow 12: add 1 more app key(s)');
  });

  it('F/O without any real key: a warning, never a paper key', () => {
    const r = balanceAccounts(resolve(), [{ name: 'p1', env: 'paper', callsPerMinute: 1080 }]);
    expect(r.warnings[0]).toMatch(/^5 F\/O target\(s\) have no real app key to go to/);
    expect(r.candles.filter((c) => c.family !== 'stock').every((c) => c.account !== 'p1')).toBe(true);
  });

  it('budgets come from the KIS limits by environment and the headroom', () => {
    const config = configSchema.parse({ kis: { accounts: [{ name: 'a', appKey: 'x', appSecret: 'y' }, { name: 'b', env: 'paper', appKey: 'x', appSecret: 'y' }] } });
    expect(accountBudgets(config)).toEqual([
      { name: 'a', env: 'real', callsPerMinute: 20 * 0.9 * 60 },
      { name: 'b', env: 'paper', callsPerMinute: 2 * 0.9 * 60 },
    ]);
  });

  const schedulerWith = (hh: QueueHarness, budgets: AccountBudget[]) =>
    new Scheduler({
      services: { ...hh.services, clock: new AcceleratedClock(toInstant(parseKst('2026-11-24 10:00:03')), 1e-9) },
      calendar, rules, subscriptions: SUBS, defaultAccount: 'k1', accountBudgets: budgets, bufferMs: 2_000, strategyDeadlineMs: 20_000,
      // Nothing stored: recovery is not what this test looks at.
      stored: { candleMinutes: () => Promise.resolve(new Set<number>()) },
    });
  const templateAccounts = async (hh: QueueHarness) => (await hh.services.queues.queues.fetch.getJobSchedulers(0, -1, true)).map((x) => (x.template?.data as { account: string }).account);

  it('the scheduler creates each job scheduler on its balanced key', async () => {
    h = queueHarness(testPrefix('balance'), new AcceleratedClock(toInstant(parseKst('2026-11-24 10:00:03')), 1));
    await schedulerWith(h, [real('k1'), real('k2')]).tick();
    const accounts = await templateAccounts(h);
    expect(accounts.filter((a) => a === 'k1').length).toBe(accounts.filter((a) => a === 'k2').length + (accounts.length % 2));
    expect(new Set(accounts)).toEqual(new Set(['k1', 'k2']));
  });

  it('restarted with a key more, the job schedulers move onto it; with one key less, its schedulers go to the others', async () => {
    h = queueHarness(testPrefix('rebal'), new AcceleratedClock(toInstant(parseKst('2026-11-24 10:00:03')), 1));
    await schedulerWith(h, [real('k1'), real('k2')]).tick();
    const added = await schedulerWith(h, [real('k1'), real('k2'), real('k3')]).tick();
    expect(added.updated).toBeGreaterThan(0);
    const three = await templateAccounts(h);
    expect(three).toHaveLength(13);
    expect(['k1', 'k2', 'k3'].map((k) => three.filter((a) => a === k).length).sort()).toEqual([4, 4, 5]);
    // The state `krtrade queues status` reads: load per key.
    const state = JSON.parse((await h.redis.get(h.services.keys.schedulerState))!) as { keys: { name: string; load: number; targets: number }[] };
    expect(state.keys.map((k) => [k.name, k.load])).toEqual([['k1', 5], ['k2', 5], ['k3', 5]]);
    await schedulerWith(h, [real('k2'), real('k3')]).tick();
    const two = await templateAccounts(h);
    expect(two).toHaveLength(13);
    expect(new Set(two)).toEqual(new Set(['k2', 'k3']));
  });
});
