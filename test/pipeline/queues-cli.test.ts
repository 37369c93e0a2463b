/** `krtrade queues pause|resume|status`: the operator's switch, on the real CLI and the real Redis. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/time/clock.js';
import { formatKstIso, instant, kstTime, toKst } from '../../src/time/kst.js';
import { runCli } from '../helpers/cli.js';
import { REDIS_URL, testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';

interface Status {
  manualPause: boolean;
  jobSchedulers: { id: string; pattern?: string; next?: string }[];
  queues: { queue: string; paused: boolean; counts: Record<string, number> }[];
}

let h: QueueHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function cli(args: string[], prefix: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('KRTRADE_') || k.startsWith('KIS_')) delete env[k];
  return runCli(['queues', ...args], {
    env: { ...env, KRTRADE_REDIS_URL: REDIS_URL, KRTRADE_REDIS_PREFIX: prefix, KRTRADE_LOG_LEVEL: 'warn' },
    cwd: mkdtempSync(join(tmpdir(), 'krt-queues-')),
    timeoutMs: 30_000,
  });
}

const pausedOf = (s: Status) => Object.fromEntries(s.queues.map((q) => [q.queue, q.paused]));

describe('krtrade queues', () => {
  it('pause sets the manual pause on the live queues, status shows it, resume clears it; a bad queue name is one line', async () => {
    const prefix = testPrefix('qcli');
    h = queueHarness(prefix, new RealClock());
    await h.services.queues.add('run-strategy', { minute: kstTime(2026, 11, 24, 9, 0) }, { jobId: 'strategy:batch:202611240900', delay: 60_000 });
    const pattern = 'krx-minutes sessions=stocks buffer=2000ms';
    const first = await h.services.queues.queues.fetch.upsertJobScheduler('candles:005930', { pattern }, { name: 'fetch-candles', data: { code: '005930', family: 'stock', account: 'main' } });

    const paused = await cli(['pause', '--json'], prefix);
    expect(paused.stderr).toBe('');
    const p = JSON.parse(paused.stdout) as Status;
    expect(p.manualPause).toBe(true);
    expect(pausedOf(p)).toEqual({ fetch: true, backfill: false, aggregate: false, upsert: false, strategy: true });
    expect(await h.services.queues.queues.fetch.isPaused()).toBe(true);
    expect(await h.redis.exists(h.services.keys.manualPause)).toBe(1);

    const status = await cli(['status'], prefix);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('manual pause: yes');
    expect(status.stdout).toMatch(/strategy\s+paused\s+0\s+0\s+0\s+1\s/);
    // Every time shown is KST wall-clock (labelled once), never UTC.
    const next = formatKstIso(toKst(instant(first!.opts.prevMillis!)));
    expect(status.stdout.split('\n')[0]).toBe('times: KST wall-clock');
    expect(status.stdout).toContain(`job schedulers: 1 (next firing ${next.replace('T', ' ')}) — candles:005930`);
    expect(status.stdout).not.toMatch(/\d\dZ\b/);
    expect(p.jobSchedulers).toEqual([{ id: 'candles:005930', pattern, next }]);

    const resumed = JSON.parse((await cli(['resume', '--json'], prefix)).stdout) as Status;
    expect(resumed.manualPause).toBe(false);
    // The strategy job's payload says its minute in words next to the number.
    const job = await h.services.queues.queues.strategy.getJob('strategy:batch:202611240900');
    expect(job!.data).toEqual({ minute: kstTime(2026, 11, 24, 9, 0), kst: '2026-11-24 09:00 KST' });
    expect(Object.values(pausedOf(resumed)).some(Boolean)).toBe(false);
    expect(await h.services.queues.queues.strategy.isPaused()).toBe(false);

    const bad = await cli(['pause', 'fetchh'], prefix);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('unknown queue "fetchh"');
  }, 60_000);
});
