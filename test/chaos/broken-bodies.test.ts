/**
 * A malformed or cut-short HTTP 200 body from KIS is a passing fault: the job retries it (bounded attempts)
 * and stores the minute once a whole answer comes; a body still broken after the last attempt is quarantined
 * in `rejected_rows` with its raw text (no secrets) and the job fails, leaving the minute to the repair loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from 'bullmq';
import { startEnv, type Env } from '../pipeline/e2e-harness.js';
import { kstTime, formatKst } from '../../src/time/kst.js';
import { QUARANTINE_TABLE } from '../../jobs/quarantine.js';

let env: Env;
const from = kstTime(2026, 11, 24, 9, 0);
const to = kstTime(2026, 11, 24, 9, 10);
const page = (code: string) => ({ code, family: 'stock' as const, account: 'sim', from, to });

beforeAll(async () => {
  env = await startEnv({ start: '2026-11-24T09:20:00', speed: 60, pools: ['fetch', 'aggregate', 'upsert'], scheduler: false });
}, 60_000);
afterAll(async () => {
  await env?.close();
});

async function until<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function settled(job: Job): Promise<Job> {
  const q = env.rt.queues.queues.backfill;
  return until(`job ${job.id} to finish`, async () => {
    const j = await Job.fromId(q, job.id!);
    const state = await j?.getState();
    return state === 'completed' || state === 'failed' ? j : undefined;
  });
}

const storedMinutes = async (code: string): Promise<number> =>
  Number((await env.rt.pool.query<{ n: string }>('SELECT count(*) AS n FROM candles_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3', [code, formatKst(from), formatKst(to)])).rows[0]!.n);

describe('broken KIS bodies', () => {
  it('are retried: once KIS answers whole again, the page is stored', async () => {
    env.sim.faults.set({ malformedJsonRate: 1 });
    const job = await env.rt.queues.add('backfill-candles', page('005930'), { jobId: 'broken-then-whole', attempts: 6, backoff: { type: 'fixed', delay: 300 } });
    // The first attempt got a broken body and failed; the fault clears before the retry.
    await until('a failed attempt', async () => ((await Job.fromId(env.rt.queues.queues.backfill, job.id!))!.attemptsMade >= 1 ? true : undefined));
    env.sim.faults.clear();
    const done = await settled(job);
    expect(await done.getState()).toBe('completed');
    await until('10 stored minutes', async () => ((await storedMinutes('005930')) === 10 ? true : undefined));
  });

  it('still broken after the last attempt: quarantined with the raw body, no secrets, job failed', async () => {
    env.sim.faults.set({ truncatedRate: 1 });
    const job = await env.rt.queues.add('backfill-candles', page('000660'), { jobId: 'always-truncated', attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const done = await settled(job);
    env.sim.faults.clear();
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(3);
    expect(done.failedReason).toMatch(/quarantined after 3 attempts/);
    const rows = await env.rt.pool.query<{ row: { job: string; target: { code: string }; body: string; attempts: number; status: number }; reason: string }>(
      'SELECT "row", reason FROM rejected_rows WHERE table_name = $1',
      [QUARANTINE_TABLE],
    );
    expect(rows.rows).toHaveLength(1);
    const q = rows.rows[0]!;
    expect(q.row).toMatchObject({ job: 'backfill-candles', target: { code: '000660' }, attempts: 3, status: 200 });
    // Cut short: a prefix of a KIS envelope, not parseable.
    expect(q.row.body.startsWith('{')).toBe(true);
    expect(() => JSON.parse(q.row.body) as unknown).toThrow();
    expect(q.reason).toMatch(/broken KIS response body/);
    const everything = JSON.stringify(rows.rows);
    expect(everything).not.toContain(env.sim.appKey);
    expect(everything).not.toContain(env.sim.appSecret);
    expect(await storedMinutes('000660')).toBe(0);
  });
});
