/**
 * PostgreSQL down: the worker keeps running, the upsert job waits for the database without spending its
 * attempts (here 2, which today's backoff would burn in 0.1 s), `/health` says degraded, the log holds one
 * line per kind per 10 s, and the job stores its minutes by itself once PostgreSQL is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from 'bullmq';
import { kstTime } from '../../src/time/kst.js';
import { health } from '../../dashboard/health.js';
import { startOwnPostgres, type OwnPostgres } from './own-services.js';
import { startChaosEnv, until, type ChaosEnv } from './harness.js';

let pg: OwnPostgres;
let env: ChaosEnv;
const from = kstTime(2026, 11, 24, 9, 0);
const to = kstTime(2026, 11, 24, 9, 10);

beforeAll(async () => {
  pg = await startOwnPostgres();
  env = await startChaosEnv({ start: '2026-11-24T09:20:00', speed: 60, databaseUrl: pg.url, pools: ['upsert'] });
}, 90_000);
afterAll(async () => {
  await env?.close();
  await pg?.drop();
}, 60_000);

const stored = async (): Promise<number> =>
  Number((await env.rt.pool.query<{ n: string }>('SELECT count(*) AS n FROM candles_1m WHERE symbol = $1', ['005930'])).rows[0]!.n);
const probe = () => health({ redis: env.rt.redis, pool: env.rt.pool, kisUrl: env.sim.restUrl, stats: env.rt.services.stats, clock: env.rt.clock, timeoutMs: 1_000 });

describe('PostgreSQL down', () => {
  it('jobs wait for it with their attempts intact, health says degraded, the log stays quiet, work resumes by itself', async () => {
    expect((await probe()).status).toBe('ok');
    await pg.stop();
    const candles = env.sim.market.minuteBars('005930', from, to).map((b) => ({ code: '005930', time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }));
    expect(candles).toHaveLength(10);
    const job = await env.rt.queues.add('upsert-candles', { code: '005930', family: 'stock', account: 'sim', from, to, candles }, { jobId: 'pg-down', attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    const q = env.rt.queues.queues.upsert;
    // Several tries while the database is down, none of them counted as a failed attempt.
    const seen = await until('the job to wait through several tries', async () => {
      const j = await Job.fromId(q, job.id!);
      return j && (j.attemptsStarted >= 4 || (await j.getState()) === 'failed') ? j : undefined;
    }, 40_000);
    expect(await seen.getState()).not.toBe('failed');
    expect(seen.attemptsMade).toBe(0);
    const h = await probe();
    expect(h.status).toBe('degraded');
    expect(h.problems.join(' ')).toMatch(/postgres unreachable/);
    const waitLines = env.logLines.filter((l) => l.includes('postgres is unreachable'));
    expect(waitLines.length).toBeGreaterThanOrEqual(1);
    expect(waitLines.length).toBeLessThanOrEqual(2);
    // Dropped idle connections: one line, not one per connection.
    expect(env.logLines.filter((l) => l.includes('postgres pool error')).length).toBeLessThanOrEqual(2);

    await pg.start();
    const done = await until('the job to complete after PostgreSQL returned', async () => {
      const j = await Job.fromId(q, job.id!);
      return (await j?.getState()) === 'completed' ? j : undefined;
    }, 30_000);
    // BullMQ counts the successful attempt too: 1 means no try failed.
    expect(done!.attemptsMade).toBe(1);
    expect(await stored()).toBe(10);
    expect((await probe()).status).toBe('ok');
  }, 90_000);
});
