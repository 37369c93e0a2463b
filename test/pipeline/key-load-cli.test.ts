/**
 * `krtrade queues status` shows the load per app key: REST calls/s really sent (counted in Redis by every
 * client) against the budget, what the scheduler assigned, and WebSocket registrations against 41.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { KisAccounts } from '../../src/kis/accounts.js';
import { callsPerSecond } from '../../src/kis/call-meter.js';
import { kisNamespace } from '../../src/kis/client.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { accountBudgets } from '../../src/pipeline/account-balance.js';
import { subscriptionsSchema } from '../../src/pipeline/subscriptions.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { assignToKeys, registrationsAt, streamTargets } from '../../src/stream/registrations.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { type KstDate, parseKst, toInstant } from '../../src/time/kst.js';
import type { KeyLoad } from '../../workers/key-load.js';
import { instrumentRules } from '../../workers/pools.js';
import { Scheduler } from '../../workers/scheduler.js';
import { assignmentKey } from '../../src/stream/stream-view.js';
import { runCli } from '../helpers/cli.js';
import { REDIS_URL, testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

const key = (tag: string) => ({ appKey: `PS${tag}`.padEnd(36, 'k'), appSecret: `${tag}-secret`.padEnd(180, 's') });
const K1 = { ...key('keyone'), mode: 'real' as const };
const K2 = { ...key('keytwo'), mode: 'real' as const };
const P1 = { ...key('paperone'), mode: 'paper' as const };
const SUBS = subscriptionsSchema.parse([
  { rule: 'front-future', family: 'kospi200', kinds: ['candles', 'ticks', 'quotes'] },
  { rule: 'front-future', family: 'mini' },
  { rule: 'options', series: ['monthly', 'weekly'] },
  { rule: 'stocks', codes: ['005930', '000660', '035420', '051910', '006400', '005380'], kinds: ['candles', 'ticks', 'quotes'] },
]);

let h: QueueHarness | undefined;
let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await h?.close();
  await sim?.close();
  h = sim = undefined;
});

describe('krtrade queues status: load per app key', () => {
  it('REST calls/s used vs budget, instruments and calls/min assigned, WS registrations vs 41, per key', async () => {
    const prefix = testPrefix('keyload');
    sim = await startSimulator({ seed: 7, start: '2026-11-24T10:30', speed: 1, host: '127.0.0.1', port: 0, wsPort: 0, accounts: [K1, K2, P1] });
    const accounts = [
      { name: 'k1', env: 'real', appKey: K1.appKey, appSecret: K1.appSecret, restUrl: sim.restUrl },
      { name: 'k2', env: 'real', appKey: K2.appKey, appSecret: K2.appSecret, restUrl: sim.restUrl },
      { name: 'p1', env: 'paper', appKey: P1.appKey, appSecret: P1.appSecret, restUrl: sim.restUrl },
    ];
    const raw = { kis: { accounts }, redis: { url: REDIS_URL, prefix }, pipeline: { subscriptions: SUBS } };
    const config = configSchema.parse(raw);
    const dir = mkdtempSync(join(tmpdir(), 'krt-keyload-'));
    writeFileSync(join(dir, 'krtrade.config.json'), JSON.stringify(raw));

    // The scheduler publishes what it assigned to each key.
    const calendar = defaultCalendar();
    const rules = instrumentRules(calendar);
    const clock = new AcceleratedClock(toInstant(parseKst('2026-11-24 10:30:03')), 1e-9);
    h = queueHarness(prefix, clock);
    await new Scheduler({
      services: h.services, calendar, rules, subscriptions: SUBS, defaultAccount: 'k1', accountBudgets: accountBudgets(config),
      bufferMs: 2_000, strategyDeadlineMs: 20_000, stored: { candleMinutes: () => Promise.resolve(new Set<number>()) },
    }).tick();
    // The stream workers' shared assignment, planned as they plan it.
    const regs = registrationsAt(streamTargets(SUBS, '2026-11-24' as KstDate, rules, () => null, 2), parseKst('2026-11-24 10:30'), calendar);
    const ws = assignToKeys(regs, ['k1', 'k2', 'p1'], new Map(), { paperKeys: new Set(['p1']) });
    await h.redis.hset(assignmentKey(prefix), ...[...ws].flatMap(([k, v]) => [k, JSON.stringify(v)]));

    // Real REST calls through the product client: 12 on k1, 3 on p1 (paper: stocks only).
    const kis = KisAccounts.fromConfig(config, { clock: sim.clock });
    try {
      for (let i = 0; i < 12; i++) await kis.get('k1').stockPrice({ code: '005930' });
      for (let i = 0; i < 3; i++) await kis.get('p1').stockPrice({ code: '005930' });
    } finally {
      await kis.close();
    }
    // The counts land in 10-second buckets; the status averages the last six complete ones.
    const used = (appKey: string) => callsPerSecond(h!.redis, kisNamespace(prefix, appKey));
    await expect.poll(async () => [await used(K1.appKey), await used(P1.appKey)], { timeout: 30_000, interval: 500 }).toEqual([12 / 60, 3 / 60]);

    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('KRTRADE_') || k.startsWith('KIS_')) delete env[k];
    const run = (args: string[]) => runCli(['queues', 'status', ...args], { env: { ...env, KRTRADE_LOG_LEVEL: 'warn' }, cwd: dir, timeoutMs: 30_000 });
    const json = await run(['--json']);
    expect(json.stderr).toBe('');
    const keys = (JSON.parse(json.stdout) as { keys: KeyLoad[] }).keys;
    const state = JSON.parse((await h.redis.get(h.services.keys.schedulerState))!) as { keys: { name: string; load: number; targets: number }[] };
    expect(keys.map((k) => [k.name, k.env, k.restPerSecond, k.restBudgetPerSecond, k.wsRegistrations, k.wsMax])).toEqual([
      ['k1', 'real', 0.2, 18, ws.get('k1')!.length, 41],
      ['k2', 'real', 0, 18, ws.get('k2')!.length, 41],
      ['p1', 'paper', 0.05, 1.8, ws.get('p1')!.length, 41],
    ]);
    expect(keys.map((k) => [k.plannedPerMinute, k.instruments])).toEqual(state.keys.map((k) => [k.load, k.targets]));
    // Every instrument went somewhere; the paper key got stocks only (so little here: its budget is 108 calls/min).
    expect(keys.reduce((n, k) => n + k.instruments!, 0)).toBe((await h.services.queues.queues.fetch.getJobSchedulers(0, -1, true)).length);
    expect(keys.reduce((n, k) => n + k.wsRegistrations, 0)).toBe(regs.length);

    const text = await run([]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const head = lines.findIndex((l) => l.startsWith('app key'));
    expect(lines[head]).toMatch(/^app key\s+env\s+REST calls\/s \(last min\)\s+planned calls\/min\s+instruments\s+WS registrations$/);
    const row = (name: string) => lines.slice(head + 1).find((l) => l.startsWith(`${name} `))!.split(/\s+/);
    const s = (name: string) => state.keys.find((k) => k.name === name)!;
    expect(row('k1')).toEqual(['k1', 'real', '0.2/18', `${s('k1').load}/1080`, String(s('k1').targets), `${ws.get('k1')!.length}/41`]);
    expect(row('p1')).toEqual(['p1', 'paper', '0.05/1.8', `${s('p1').load}/108`, String(s('p1').targets), `${ws.get('p1')!.length}/41`]);
  }, 90_000);
});
