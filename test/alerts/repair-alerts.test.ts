/**
 * The scheduler's repair loop says `verification_failed` when minutes are still missing after its repair
 * attempts — once, not every round. Real simulator, Redis and PostgreSQL; no fetch workers run, so the
 * backfills the loop enqueues never land and the minutes stay missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { emitAlert, installAlertSink } from '../../src/alerts/emit.js';
import { resolveSubscriptions } from '../../src/pipeline/subscriptions.js';
import { pgStoredMinutes } from '../../src/repair/stored.js';
import { toKst } from '../../src/time/kst.js';
import { AlertDeliveryWorker, AlertQueue } from '../../jobs/alert-delivery.js';
import { RepairLoop } from '../../jobs/repair.js';
import { createRuntime, type Runtime } from '../../workers/runtime.js';
import { instrumentRules } from '../../workers/pools.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { Receiver } from './receiver.js';

const prefix = testPrefix('repairalert');
let sim: SimulatorHandle;
let db: TestDb;
let rt: Runtime;
let receiver: Receiver;
let queue: AlertQueue;
let worker: AlertDeliveryWorker;
let uninstall: () => void;

beforeAll(async () => {
  receiver = await Receiver.start();
  // Real time: the loop's view of "missing so far" does not move between rounds.
  sim = await startSimulator({ seed: 7, start: '2026-11-24T09:20:00', speed: 1, port: 0, wsPort: 0 });
  db = await createTestDb();
  const config = configSchema.parse({
    kis: { accounts: [{ name: 'sim', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl }] },
    database: { url: db.url },
    redis: { url: REDIS_URL, prefix },
    pipeline: { subscriptions: [{ rule: 'front-future', family: 'kospi200' }] },
    alerts: { backoffMs: 20, attempts: 3, webhooks: [{ name: 'ops', url: `http://127.0.0.1:${receiver.port}/hook` }] },
    log: { level: 'silent' },
  });
  const log = createLogger({ level: 'silent', stream: new Writable({ write: (_c, _e, cb) => cb() }) });
  rt = await createRuntime(config, sim.clock, log, 'repair-alert-test');
  queue = new AlertQueue(rt.redis, prefix, config.alerts, log);
  worker = new AlertDeliveryWorker(rt.redis, prefix, config.alerts, log, { concurrency: 1 });
  await worker.waitUntilReady();
  uninstall = installAlertSink(queue, log);
}, 60_000);
afterAll(async () => {
  uninstall?.();
  await worker?.close();
  await queue?.close();
  await rt?.close();
  await sim?.close();
  await receiver?.close();
  await deleteKeys(prefix);
  await db?.drop();
});

type Body = { kind: string; title: string; key: string; data: Record<string, unknown> };
const bodies = (kind: string): Body[] => receiver.requests.map((r) => r.body as Body).filter((b) => b.kind === kind);

describe('repair loop alerts', () => {
  it('alerts verification_failed once when minutes are still missing after the repair attempts', async () => {
    const date = rt.calendar.nextSession('derivatives', toKst(sim.clock.now())).tradingDate;
    const candles = resolveSubscriptions(rt.config.pipeline.subscriptions, date, instrumentRules(rt.calendar), 'sim').candles;
    const loop = new RepairLoop({
      services: rt.services, stored: pgStoredMinutes(rt.pool), pool: rt.pool, calendar: rt.calendar,
      config: rt.config.repair, targets: () => ({ tradingDate: date, candles }),
    });
    const code = candles[0]!.code;
    // Three rounds enqueue repairs (nothing stores them); the fourth finds them still missing.
    for (let round = 1; round <= 3; round++) {
      const r = await loop.runOnce();
      expect(r.missing[code]).toBeGreaterThan(10);
    }
    await loop.runOnce(); // gives up on them and says so
    await loop.runOnce(); // and does not say it again
    await emitAlert({ kind: 'test_sentinel', severity: 'info', title: 'sentinel', time: toKst(sim.clock.now()), key: 'sentinel' });
    await receiver.until(() => bodies('test_sentinel').length > 0);
    const sent = bodies('verification_failed');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.title).toMatch(new RegExp(`^${code} ${date}: \\d+ minutes still missing \\(${date} 08:45–`));
    expect(sent[0]!.data).toMatchObject({ instrument: code, tradingDate: date, source: 'repair loop' });
    await loop.close();
    await loop.close(); // idempotent
  }, 60_000);
});
