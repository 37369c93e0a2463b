import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseKst } from '../../src/time/kst.js';
import { BIN } from '../helpers/cli.js';
import { type Env, settle, simNow, startEnv, untilSim, verifyStored } from './e2e-harness.js';

let env: Env | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await env?.close();
  env = undefined;
});

function startWorker(e: Env, pool: string): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'worker', pool, '--concurrency', '4', '--lock-ms', '2000'], {
    env: { ...process.env, ...e.childEnv, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.on('exit', (code, sig) => {
    if (code !== 0 && sig !== 'SIGKILL' && sig !== 'SIGTERM') process.stderr.write(`worker ${pool} exited ${code}: ${err}\n`);
  });
  children.push(child);
  return child;
}

async function untilWorkers(e: Env, queue: 'fetch' | 'upsert', n: number): Promise<void> {
  const until = Date.now() + 30_000;
  while ((await e.rt.queues.queues[queue].getWorkersCount()) < n) {
    if (Date.now() > until) throw new Error(`no ${queue} worker came up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('pipeline recovery', () => {
  it('a worker process killed with SIGKILL mid-run and restarted: every candle still stored exactly once', async () => {
    // The upsert pool runs only in child processes, so killing one really stops the storage writer.
    env = await startEnv({ start: '2026-11-24T08:58:00', speed: 60, pools: ['fetch', 'aggregate', 'strategy'] });
    const first = startWorker(env, 'upsert');
    await untilWorkers(env, 'upsert', 1);
    await untilSim(env, parseKst('2026-11-24 09:06:20'));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    // A few simulated minutes with no storage writer at all, then a fresh one.
    await untilSim(env, parseKst('2026-11-24 09:09:00'));
    startWorker(env, 'upsert');
    await untilWorkers(env, 'upsert', 1);
    await untilSim(env, parseKst('2026-11-24 09:17:00'));
    const last = await settle(env, 60_000);
    const v = await verifyStored(env, parseKst('2026-11-24 09:00'), last);
    expect(v.batches).toBeGreaterThanOrEqual(15);
  }, 150_000);

  it('across the day close and the night open: live queues paused in between, resumed at the open, no stale pile-up', async () => {
    env = await startEnv({ start: '2026-11-24T15:40:00', speed: 600, deadlineMs: 30_000 });
    const { queues } = env.rt.queues;
    // After the 15:45 closing print and its strategy deadline, nothing is subscribed until 18:00.
    while (!(await queues.fetch.isPaused()) && simNow(env) < parseKst('2026-11-24 17:30')) await new Promise((r) => setTimeout(r, 50));
    expect(await queues.fetch.isPaused()).toBe(true);
    expect(simNow(env)).toBeLessThan(parseKst('2026-11-24 17:30'));
    expect(await queues.strategy.isPaused()).toBe(true);
    expect(await queues.backfill.isPaused()).toBe(false);
    // Nothing waits but each job scheduler's one pending firing, for the night session's first minute.
    const pending = await queues.fetch.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
    const schedulers = await queues.fetch.getJobSchedulers();
    expect(pending.map((j) => j.repeatJobKey).sort()).toEqual(schedulers.map((x) => x.key).sort());
    const ft = env.rt.services.fireTimes;
    const firstNightMinute = (key: string) => {
      const sch = schedulers.find((x) => x.key === key)!;
      return ft.minuteOf(ft.pattern(sch.pattern!), sch.next!);
    };
    for (const x of schedulers.filter((k) => !k.key.startsWith('candles:005930'))) expect(firstNightMinute(x.key), x.key).toBe(parseKst('2026-11-24 18:00'));
    // Starting mid-session recovered the day's earlier futures minutes once; the pause must add nothing to that.
    const backfillsBefore = await queues.backfill.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed');
    await untilSim(env, parseKst('2026-11-24 18:03'));
    expect(await queues.fetch.isPaused()).toBe(false);
    // Nothing piled up while paused: no catch-up backfill, and at most a couple of minutes of work waiting.
    expect(await queues.backfill.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed')).toBe(backfillsBefore);
    expect(await queues.fetch.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBeLessThanOrEqual(4 * 4);
    expect(simNow(env)).toBeGreaterThan(parseKst('2026-11-24 18:03'));
    await untilSim(env, parseKst('2026-11-24 18:06'));
    const last = await settle(env, 60_000);
    await verifyStored(env, parseKst('2026-11-24 15:40'), last);
  }, 150_000);
});
