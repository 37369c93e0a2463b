/**
 * Operational alerts through the real alert queue on the real Redis to a local HTTP receiver: a recorded
 * stream gap, an app key nobody holds past the takeover time (and back), and `verify --repair` ending
 * incomplete. A repeated condition has the same key and is sent once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { createLogger } from '../../src/log.js';
import { alertsSchema } from '../../src/alerts/config.js';
import { emitAlert, installAlertSink } from '../../src/alerts/emit.js';
import { AlertDeliveryWorker, AlertQueue } from '../../jobs/alert-delivery.js';
import { GapRecorder } from '../../src/stream/gaps.js';
import { StreamDownWatch } from '../../src/stream/down-watch.js';
import { FencedLease } from '../../src/stream/lease.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { parseKst, toInstant, toKst } from '../../src/time/kst.js';
import { Receiver, type Received } from './receiver.js';

const prefix = testPrefix('opalerts');
const clock = new AcceleratedClock(toInstant(parseKst('2026-12-03 10:05:00')), 1e-9);
const log = createLogger({ level: 'silent' });
let receiver: Receiver;
let redis: Redis;
let queue: AlertQueue;
let worker: AlertDeliveryWorker;
let uninstall: () => void;
let db: TestDb;
let webhookUrl: string;

beforeAll(async () => {
  receiver = await Receiver.start();
  webhookUrl = `http://127.0.0.1:${receiver.port}/hook`;
  const config = alertsSchema.parse({ backoffMs: 20, attempts: 3, timeoutMs: 2_000, webhooks: [{ name: 'ops', url: webhookUrl }] });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new AlertQueue(redis, prefix, config, log);
  // One at a time: a sentinel sent after an event arrives after it.
  worker = new AlertDeliveryWorker(redis, prefix, config, log, { concurrency: 1 });
  await worker.waitUntilReady();
  uninstall = installAlertSink(queue, log);
  db = await createTestDb();
});
afterAll(async () => {
  uninstall?.();
  await worker?.close();
  await queue?.close();
  redis?.disconnect();
  await receiver?.close();
  await deleteKeys(prefix);
  await db?.drop();
});

type Body = { kind: string; severity: string; title: string; text: string; time: string; key: string; data: Record<string, unknown> };
const bodies = (kind: string, r: Received[] = receiver.requests): Body[] => r.map((x) => x.body as Body).filter((b) => b.kind === kind);

let sentinels = 0;
/** Everything emitted before this call has been delivered (or deduplicated) once this returns. */
async function drained(): Promise<void> {
  const key = `sentinel-${++sentinels}`;
  await emitAlert({ kind: 'test_sentinel', severity: 'info', title: 'sentinel', time: toKst(clock.now()), key });
  await receiver.until((r) => bodies('test_sentinel', r).some((b) => b.key === key));
}

describe('operational alerts', () => {
  it('a recorded stream gap is alerted once, however often it is recorded', async () => {
    const gaps = new GapRecorder({
      pool: db.pool, redis, prefix, clock, calendar: defaultCalendar(),
      familyOf: () => null, backfill: () => Promise.resolve(),
    });
    const gap = { appKeyName: 'main', codes: ['A01612', 'A05612'], from: parseKst('2026-12-03 10:01:10'), to: parseKst('2026-12-03 10:02:40'), reason: 'reconnect' as const };
    await gaps.record(gap);
    await gaps.record(gap);
    await gaps.close();
    await gaps.close(); // idempotent
    await drained();
    const sent = bodies('gap');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.severity).toBe('warning');
    expect(sent[0]!.title).toBe('stream gap on main: 2 instruments, 90 s (reconnect)');
    expect(sent[0]!.text).toContain('A01612, A05612 from 2026-12-03 10:01:10 to 2026-12-03 10:02:40 KST');
    expect(sent[0]!.time).toBe('2026-12-03 10:02:40 KST');
    expect(sent[0]!.data).toMatchObject({ account: 'main', instruments: 2, seconds: 90, tradingDate: '2026-12-03' });
  });

  it('an app key nobody holds past the takeover time is alerted down once (by every watcher), then up', async () => {
    const appKey = `PSkey-${prefix}`;
    const accounts = [{ name: 'acct1', appKey }];
    const takeoverMs = 400;
    const lease = new FencedLease(redis, prefix, appKey, 'holder-a', 250);
    const grant = await lease.acquire();
    expect(grant).not.toBeNull();
    // Two stream workers' watchers: both see the outage, one alert goes out.
    const watches = [0, 1].map(() => new StreamDownWatch({ redis, prefix, clock, accounts, takeoverMs, logger: log }));
    for (const w of watches) w.start();
    // The holder dies (no renewal): the lease expires, and no one takes the key over.
    await receiver.until((r) => bodies('stream_down', r).length > 0, 20_000);
    const down = bodies('stream_down');
    expect(down[0]!.severity).toBe('critical');
    expect(down[0]!.title).toBe('KIS stream down: app key acct1');
    expect(down[0]!.data).toEqual({ account: 'acct1', fence: grant!.fence });
    expect(JSON.stringify(down[0])).not.toContain(appKey); // the app key itself never leaves the process
    // Held again: one stream_up.
    const again = new FencedLease(redis, prefix, appKey, 'holder-b', 5_000);
    expect(await again.acquire()).not.toBeNull();
    await receiver.until((r) => bodies('stream_up', r).length > 0, 20_000);
    for (const w of watches) await w.poll();
    for (const w of watches) {
      await w.close();
      await w.close(); // idempotent
    }
    await again.release();
    await drained();
    expect(bodies('stream_down')).toHaveLength(1);
    expect(bodies('stream_up')).toHaveLength(1);
  });

  it('`verify --repair` ending incomplete sends verification_failed (once per finding)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'krtrade-opalerts-'));
    const config = join(dir, 'krtrade.config.json');
    writeFileSync(config, JSON.stringify({ alerts: { backoffMs: 20, attempts: 3, webhooks: [{ name: 'ops', url: webhookUrl }] } }));
    const env = { KRTRADE_DATABASE_URL: db.url, KRTRADE_CONFIG: config, KRTRADE_REDIS_URL: REDIS_URL, KRTRADE_REDIS_PREFIX: prefix };
    const args = ['verify', '--date', '2026-12-03', '--symbol', 'NOTACODE', '--repair', '--json'];
    for (let i = 0; i < 2; i++) {
      const r = await runCli(args, { env });
      expect(r.code).toBe(1);
    }
    await drained();
    const sent = bodies('verification_failed');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.title).toMatch(/^NOTACODE 2026-12-03: not checked: /);
    expect(sent[0]!.text).toContain('verify --repair');
    expect(sent[0]!.data).toMatchObject({ instrument: 'NOTACODE', tradingDate: '2026-12-03', source: 'verify --repair' });
  });
});
