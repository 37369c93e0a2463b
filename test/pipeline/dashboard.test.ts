import { afterEach, describe, expect, it } from 'vitest';
import { AcceleratedClock, RealClock } from '../../src/time/clock.js';
import { kstTime, toInstant } from '../../src/time/kst.js';
import { UserError } from '../../src/errors.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

let h: QueueHarness | undefined;
let db: TestDb | undefined;
let dash: Dashboard | undefined;
afterEach(async () => {
  await dash?.close();
  await h?.close();
  await db?.drop();
  dash = h = db = undefined;
});

function start(extra: { host?: string; username?: string; password?: string; insecureLocal?: boolean; readOnly?: boolean }) {
  return startDashboard({
    host: extra.host ?? '127.0.0.1', port: 0, readOnly: extra.readOnly ?? false, insecureLocal: extra.insecureLocal ?? false,
    ...(extra.username ? { username: extra.username, password: extra.password } : {}),
    queues: h!.services.queues.queues, redis: h!.redis, ...(db ? { pool: db.pool } : {}), stats: h!.services.stats, clock: new RealClock(), log: h!.services.log,
  });
}

const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

describe('dashboard', () => {
  it('refuses to start without credentials unless bound to loopback with --insecure-local', async () => {
    h = queueHarness(testPrefix('dash'), new RealClock());
    await expect(start({})).rejects.toThrow(UserError);
    await expect(start({ host: '0.0.0.0', insecureLocal: true })).rejects.toThrow(/only works when bound to 127.0.0.1/);
    await expect(start({ username: 'ops' })).rejects.toThrow(/both/);
    dash = await start({ insecureLocal: true });
    expect(dash.auth).toBe(false);
    expect((await fetch(`${dash.boardUrl}/api/queues`)).status).toBe(200);
  });

  it('puts bull-board behind basic auth and lists every queue', async () => {
    h = queueHarness(testPrefix('dash'), new RealClock());
    dash = await start({ username: 'ops', password: 'Kiwi-Harbor-7-Lantern' });
    expect((await fetch(`${dash.boardUrl}/api/queues`)).status).toBe(401);
    expect((await fetch(`${dash.boardUrl}/api/queues`, { headers: basic('ops', 'wrong') })).status).toBe(401);
    const ok = await fetch(`${dash.boardUrl}/api/queues`, { headers: basic('ops', 'Kiwi-Harbor-7-Lantern') });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['aggregate', 'backfill', 'fetch', 'strategy', 'upsert']);
  });

  it('read-only mode: the board still lists the queues but refuses pause/retry/clean; a normal board pauses', async () => {
    h = queueHarness(testPrefix('dash'), new RealClock());
    const auth = basic('ops', 'Kiwi-Harbor-7-Lantern');
    dash = await start({ username: 'ops', password: 'Kiwi-Harbor-7-Lantern', readOnly: true });
    const list = (await (await fetch(`${dash.boardUrl}/api/queues`, { headers: auth })).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(list.queues.every((q) => q.readOnlyMode)).toBe(true);
    for (const action of ['pause', 'retry/failed', 'clean/completed', 'promote']) {
      expect((await fetch(`${dash.boardUrl}/api/queues/fetch/${action}`, { method: 'PUT', headers: auth })).status, action).toBe(405);
    }
    expect(await h.services.queues.queues.fetch.isPaused()).toBe(false);
    await dash.close();

    dash = await start({ username: 'ops', password: 'Kiwi-Harbor-7-Lantern' });
    expect((await fetch(`${dash.boardUrl}/api/queues/fetch/pause`, { method: 'PUT', headers: auth })).status).toBe(200);
    expect(await h.services.queues.queues.fetch.isPaused()).toBe(true);
    // The controls sit behind the same authentication.
    expect((await fetch(`${dash.boardUrl}/api/queues/fetch/resume`, { method: 'PUT' })).status).toBe(401);
    expect(await h.services.queues.queues.fetch.isPaused()).toBe(true);
  });

  it('/health reports Redis, Postgres and data lag; /metrics exposes the shared counters and queue depths', async () => {
    h = queueHarness(testPrefix('dash'), new RealClock());
    db = await createTestDb({ migrate: false });
    await h.services.stats.inc('jobs_completed', ['upsert', 'upsert-candles'], 7);
    await h.services.stats.inc('kis_errors', ['EGW00201'], 2);
    await h.services.stats.inc('jobs_failed', ['fetch', 'fetch-candles'], 3);
    await h.services.stats.inc('kis_calls', ['minute-bars'], 11);
    await h.services.stats.inc('rate_limit_waits', ['EGW00201'], 4);
    await h.services.stats.inc('rows_written', ['candles-kospi200'], 5);
    await h.services.stats.markData('A01612', kstTime(2026, 11, 24, 9, 0));
    await h.services.queues.add('run-strategy', { minute: kstTime(2026, 11, 24, 9, 0) }, { jobId: 'strategy:batch:202611240900', delay: 60_000 });
    dash = await start({ insecureLocal: true });
    const health = (await (await fetch(`${dash.url}/health`)).json()) as { status: string; redis: { ok: boolean }; postgres: { ok: boolean }; kis: { ok: boolean }; instruments: { instrument: string }[] };
    expect(health.redis.ok).toBe(true);
    expect(health.postgres.ok).toBe(true);
    expect(health.kis.ok).toBe(false);
    expect(health.status).toBe('degraded');
    expect(health.instruments.map((i) => i.instrument)).toEqual(['A01612']);
    const metrics = await (await fetch(`${dash.url}/metrics`)).text();
    expect(metrics).toContain('krtrade_jobs_completed_total{queue="upsert",job="upsert-candles"} 7');
    expect(metrics).toContain('krtrade_kis_errors_total{code="EGW00201"} 2');
    // Every metric the issue names: jobs completed/failed per queue, KIS calls and errors by code, rate-limit waits, rows written, lag.
    expect(metrics).toContain('krtrade_jobs_failed_total{queue="fetch",job="fetch-candles"} 3');
    expect(metrics).toContain('krtrade_kis_calls_total{endpoint="minute-bars"} 11');
    expect(metrics).toContain('krtrade_rate_limit_waits_total{code="EGW00201"} 4');
    expect(metrics).toContain('krtrade_rows_written_total{table="candles-kospi200"} 5');
    expect(metrics).toContain('krtrade_queue_jobs{queue="strategy",state="delayed"} 1');
    expect(metrics).toMatch(/krtrade_data_lag_seconds\{instrument="A01612"\} \d+/);
  });

  it('shows the job schedulers in bull-board; an edit must stay a krx-minutes pattern; read-only refuses edits', async () => {
    // 10 s into a minute: the edit below cannot straddle a firing.
    h = queueHarness(testPrefix('dash'), new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 10, 0, 10)), 1));
    const fetchQ = h.services.queues.queues.fetch;
    const template = { name: 'fetch-candles', data: { code: '005930', family: 'stock', account: 'main' } };
    await fetchQ.upsertJobScheduler('candles:005930', { pattern: 'krx-minutes sessions=stocks buffer=2000ms' }, template);
    const auth = basic('ops', 'Kiwi-Harbor-7-Lantern');
    dash = await start({ username: 'ops', password: 'Kiwi-Harbor-7-Lantern' });
    const listed = (await (await fetch(`${dash.boardUrl}/api/job-schedulers`, { headers: auth })).json()) as { schedulers: { id: string; queueName: string; pattern: string; next: number }[] };
    expect(listed.schedulers).toEqual([expect.objectContaining({ id: 'candles:005930', queueName: 'fetch', pattern: 'krx-minutes sessions=stocks buffer=2000ms', next: expect.any(Number) })]);
    const edit = (pattern: string) =>
      fetch(`${dash!.boardUrl}/api/queues/fetch/job-schedulers/candles:005930`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ pattern }) });
    // A cron pattern cannot follow KRX sessions: refused, the scheduler unchanged.
    expect((await edit('*/1 * * * *')).status).toBe(400);
    expect((await fetchQ.getJobScheduler('candles:005930'))?.pattern).toBe('krx-minutes sessions=stocks buffer=2000ms');
    // A longer buffer is a valid edit: the pending firing moves 3 s later, still for the same minute.
    const before = (await fetchQ.getJobScheduler('candles:005930'))!.next!;
    expect((await edit('krx-minutes sessions=stocks buffer=5000ms')).status).toBe(204);
    const after = (await fetchQ.getJobScheduler('candles:005930'))!;
    expect(after.pattern).toBe('krx-minutes sessions=stocks buffer=5000ms');
    expect(after.next! - before).toBe(3_000);
    expect(after.template?.data).toEqual(template.data);
    await dash.close();

    dash = await start({ username: 'ops', password: 'Kiwi-Harbor-7-Lantern', readOnly: true });
    expect((await edit('krx-minutes sessions=stocks buffer=1000ms')).status).toBe(405);
    expect((await fetch(`${dash.boardUrl}/api/queues/fetch/job-schedulers/candles:005930/remove`, { method: 'PUT', headers: auth })).status).toBe(405);
    expect((await fetchQ.getJobScheduler('candles:005930'))?.pattern).toBe('krx-minutes sessions=stocks buffer=5000ms');
  });
});
