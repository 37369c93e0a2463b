import { afterEach, describe, expect, it } from 'vitest';
import { Job } from 'bullmq';
import { createWorkerPool, MissingHandlerError } from '../../workers/pool.js';
import type { HandlerMap } from '../../jobs/handlers/index.js';
import { KisRateLimitError, KisServerError } from '../../src/kis/errors.js';
import { RealClock } from '../../src/time/clock.js';
import { kstTime } from '../../src/time/kst.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

const minute = kstTime(2026, 11, 24, 9, 1);
const payload = { code: 'A01612', family: 'kospi200' as const, account: 'main', from: minute, to: minute + 60_000 };
let h: QueueHarness | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await h?.close();
  h = undefined;
});

async function finished(job: Job, timeoutMs = 15_000): Promise<Job> {
  const q = h!.services.queues.queues.backfill;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const j = (await Job.fromId(q, job.id!))!;
    const state = await j.getState();
    if (state === 'completed' || state === 'failed') return j;
    if (Date.now() > until) throw new Error(`job ${job.id} still ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pool(handlers: Partial<HandlerMap>) {
  const p = createWorkerPool({ queue: 'backfill', concurrency: 2, connection: h!.redis, prefix: h!.prefix, services: h!.services, handlers });
  closers.push(p.close);
  return p;
}

describe('worker pool', () => {
  it('refuses to start when a job of its queue has no handler', () => {
    h = queueHarness(testPrefix('pool'), new RealClock());
    expect(() => createWorkerPool({ queue: 'backfill', concurrency: 1, connection: h!.redis, prefix: h!.prefix, services: h!.services, handlers: {} })).toThrow(MissingHandlerError);
  });

  it('fails a bad payload once, without retries, naming the field', async () => {
    h = queueHarness(testPrefix('pool'), new RealClock());
    let calls = 0;
    pool({ 'backfill-candles': async () => ++calls });
    // Bypass the producer-side check to simulate a payload written by an older or foreign producer.
    const job = await h.services.queues.queues.backfill.add('backfill-candles', { ...payload, family: 'bond' }, { attempts: 5, jobId: 'bad-payload' });
    const done = await finished(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toMatch(/family/);
    expect(calls).toBe(0);
  });

  it('sends KIS rate-limit errors down the rate-limit path without using attempts; other KIS faults retry', async () => {
    h = queueHarness(testPrefix('pool'), new RealClock());
    let rateLimited = 0;
    let serverErrors = 0;
    pool({
      'backfill-candles': async (p) => {
        if (p.code === 'A01612' && rateLimited < 3) {
          rateLimited++;
          throw new KisRateLimitError({ endpoint: '/x', code: 'EGW00201' }, 'too many', 50);
        }
        if (p.code === 'A01603' && serverErrors < 1) {
          serverErrors++;
          throw new KisServerError({ endpoint: '/x', status: 500 }, 'boom');
        }
        return 'ok';
      },
    });
    const a = await h.services.queues.add('backfill-candles', payload, { jobId: 'rl', attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    const b = await h.services.queues.add('backfill-candles', { ...payload, code: 'A01603' }, { jobId: 'srv', attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    const ra = await finished(a);
    const rb = await finished(b);
    expect(await ra.getState()).toBe('completed');
    expect(rateLimited).toBe(3);
    // Three rate-limit waits with attempts: 2 — only the successful run counts as an attempt.
    expect(ra.attemptsMade).toBe(1);
    expect(await rb.getState()).toBe('completed');
    // One failed attempt + the successful one.
    expect(rb.attemptsMade).toBe(2);
    const stats = await h.services.stats.counters();
    expect(stats.find((c) => c.name === 'rate_limit_waits')?.value).toBe(3);
    expect(stats.find((c) => c.name === 'kis_errors' && c.labels[0] === 'EGW00201')?.value).toBe(3);
  });

  it('close() is idempotent and waits for the active job', async () => {
    h = queueHarness(testPrefix('pool'), new RealClock());
    let finishedJobs = 0;
    const p = pool({ 'backfill-candles': async () => { await new Promise((r) => setTimeout(r, 300)); finishedJobs++; } });
    await h.services.queues.add('backfill-candles', payload, { jobId: 'slow' });
    await new Promise((r) => setTimeout(r, 150));
    await Promise.all([p.close(), p.close()]);
    expect(finishedJobs).toBe(1);
  });
});
