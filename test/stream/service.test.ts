/**
 * The stream service on the simulator, in-process: three app keys, more than 41 registrations (stocks,
 * futures; ticks and quotes), every record stored by the recorder, and the status every page reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { dateOf, toKst } from '../../src/time/kst.js';
import { readStreamStatus, formatStreamStatus } from '../../src/stream/status.js';
import { tradingDateAt } from '../../src/stream/gaps.js';
import { createRuntime, type Runtime } from '../../workers/runtime.js';
import { startStreamService, type StreamService } from '../../workers/stream.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { until } from './children.js';
import { Registry } from 'prom-client';
import { registerStreamMetrics } from '../../src/stream/metrics.js';
import { health } from '../../dashboard/health.js';
import { runCli } from '../helpers/cli.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const keys = ['A', 'B', 'C'].map((n) => ({ name: `key${n}`, appKey: `PSservice${n}`.padEnd(36, n), appSecret: `secret${n}`.padEnd(180, n) }));
const prefix = testPrefix('svc');
let sim: SimulatorHandle;
let db: TestDb;
let rt: Runtime;
let svc: StreamService;

beforeAll(async () => {
  sim = await startSimulator({ start: '2026-12-03T10:00', speed: 5, streamIntervalMs: 50, pingIntervalMs: 400, noticeEveryMs: 0, accounts: keys, stocks: 20 });
  db = await createTestDb();
  const codes = sim.market.instruments(dateOf(toKst(sim.clock.now()))).filter((i) => i.kind === 'stock').slice(0, 20).map((i) => i.code);
  const config = configSchema.parse({
    redis: { url: REDIS_URL, prefix },
    database: { url: db.url },
    kis: { accounts: keys.map((k) => ({ ...k, restUrl: sim.restUrl, wsUrl: sim.wsUrl })), ws: { subscribeIntervalMs: 0, reconnectMinMs: 100, reconnectMaxMs: 400 } },
    pipeline: {
      subscriptions: [
        { rule: 'stocks', codes, kinds: ['ticks', 'quotes'] },
        { rule: 'front-future', family: 'kospi200', kinds: ['ticks', 'quotes'] },
        { rule: 'front-future', family: 'mini', kinds: ['ticks'] },
      ],
    },
    stream: { takeoverMs: 3_000 },
    log: { level: 'silent' },
  });
  rt = await createRuntime(config, sim.clock, createLogger({ level: 'silent' }), 'stream-test');
  svc = await startStreamService(rt);
});
afterAll(async () => {
  await svc?.close();
  await rt?.close();
  await sim?.close();
  await db?.drop();
  await deleteKeys(prefix);
});

describe('stream service', () => {
  it('holds all three keys, registers 43 over them (≤ 41 each) and stores what arrives', async () => {
    await until(() => svc.worker.holding().length === 3, 'all keys held');
    const per = svc.worker.holding().map((k) => svc.worker.session(k)!.registrations().length);
    expect(per.reduce((a, b) => a + b, 0)).toBe(20 * 2 + 2 + 1);
    expect(Math.max(...per)).toBeLessThanOrEqual(41);
    await until(() => svc.recorder.counters.trades > 50 && svc.recorder.counters.quotes > 50, 'trades and quotes committed');
    await svc.recorder.flush();
    const stored = Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ticks')).rows[0]!.n);
    expect(stored).toBeGreaterThanOrEqual(svc.recorder.counters.trades - svc.recorder.counters.duplicates);
    expect(stored).toBeGreaterThan(50);

    const date = tradingDateAt(toKst(sim.clock.now()), rt.calendar);
    let status = await readStreamStatus(rt.redis, prefix, keys, date);
    for (let i = 0; i < 200 && (status.keys.some((k) => k.registrations === 0) || !status.counters['records:H0STCNT0']); i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await readStreamStatus(rt.redis, prefix, keys, date);
    }
    expect(status.keys.map((k) => k.holder)).toEqual([svc.worker.holderId, svc.worker.holderId, svc.worker.holderId]);
    expect(status.keys.reduce((n, k) => n + k.registrations, 0)).toBe(43);
    expect(status.counters['records:H0STCNT0']).toBeGreaterThan(0);
    const text = formatStreamStatus(status, sim.clock);
    expect(text).toContain(`keyA: held by ${svc.worker.holderId}`);

    // /metrics and /health read the same counters and reports.
    const registry = new Registry();
    registerStreamMetrics(registry, rt.redis, prefix);
    const metrics = await registry.metrics();
    expect(Number(/krtrade_stream_records_stored_total\{tr="H0STCNT0"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/krtrade_stream_commit_lag_seconds_count (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/# TYPE krtrade_stream_takeovers_total counter/);
    const h = await health({ redis: rt.redis, pool: rt.pool, stats: rt.services.stats, clock: rt.clock, prefix });
    expect(h.stream?.keys.map((k) => k.account).sort()).toEqual(['keyA', 'keyB', 'keyC']);

    // The same through the CLI, from another process (the app keys from a config file, never printed).
    const dir = mkdtempSync(join(tmpdir(), 'krt-stream-'));
    const file = join(dir, 'krtrade.config.json');
    writeFileSync(file, JSON.stringify({ redis: { url: REDIS_URL, prefix }, kis: { accounts: keys } }));
    const cli = await runCli(['--config', file, 'stream', 'status']);
    rmSync(dir, { recursive: true });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/keyB: held by .*, open, \d+ registrations/);
    for (const k of keys) expect(cli.stdout + cli.stderr).not.toContain(k.appKey);

    // Bars from the streamed trades: a full minute closes, and its stored bar is exactly its stored trades.
    await until(() => svc.tickBars.counters.stored > 0, 'a bar built from ticks stored', 60_000);
    const bar = (await db.pool.query<{ symbol: string; t: string; open: number; high: number; low: number; close: number; volume: string }>(
      `SELECT symbol, to_char("timestamp", 'YYYY-MM-DD HH24:MI:SS') AS t, open, high, low, close, volume FROM tick_bars_1m ORDER BY "timestamp", symbol LIMIT 1`,
    )).rows[0]!;
    const trades = (await db.pool.query<{ open: number; high: number; low: number; close: number; volume: string }>(
      `SELECT (array_agg(price ORDER BY "timestamp", cum_volume))[1] AS open, max(price) AS high, min(price) AS low,
              (array_agg(price ORDER BY "timestamp" DESC, cum_volume DESC))[1] AS close, sum(volume)::text AS volume
         FROM ticks WHERE symbol = $1 AND "timestamp" >= $2::timestamp AND "timestamp" < $2::timestamp + interval '1 minute'`,
      [bar.symbol, bar.t],
    )).rows[0]!;
    expect({ open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: String(bar.volume) }).toEqual(trades);
  }, 150_000);
});
