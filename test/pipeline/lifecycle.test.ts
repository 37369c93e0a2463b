/**
 * Process lifecycle: graceful stop on SIGINT/SIGTERM (waiting for active jobs), a second signal forces, the
 * shutdown deadline forces, and components close in reverse order exactly once. The signal logic is driven
 * in-process through its own emitter; a real `krtrade worker` process is signalled for the rest.
 */
import { EventEmitter } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseStack, closeOnSignals } from '../../src/pipeline/lifecycle.js';
import { type KstTime, addMinutes, floorMinute, toKst } from '../../src/time/kst.js';
import { BIN } from '../helpers/cli.js';
import { type Env, startEnv } from './e2e-harness.js';

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

function deferredClose() {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let calls = 0;
  return { target: { close: () => (calls++, released) }, release, calls: () => calls };
}

describe('closeOnSignals', () => {
  it('first signal closes and exits 0 only once everything has closed', async () => {
    const signals = new EventEmitter();
    const d = deferredClose();
    const exits: number[] = [];
    const off = closeOnSignals(d.target, { signals: signals as never, exit: (c) => exits.push(c), deadlineMs: 5_000 });
    signals.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(d.calls()).toBe(1);
    expect(exits).toEqual([]);
    d.release();
    await tick();
    expect(exits).toEqual([0]);
    off();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('a second signal forces the exit while close is still waiting', async () => {
    const signals = new EventEmitter();
    const d = deferredClose();
    const exits: number[] = [];
    const off = closeOnSignals(d.target, { signals: signals as never, exit: (c) => exits.push(c), deadlineMs: 5_000 });
    signals.emit('SIGINT', 'SIGINT');
    await tick();
    expect(exits).toEqual([]);
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    expect(d.calls()).toBe(1);
    off();
  });

  it('the shutdown deadline forces the exit when a component never finishes closing', async () => {
    const signals = new EventEmitter();
    const d = deferredClose();
    const exits: number[] = [];
    const off = closeOnSignals(d.target, { signals: signals as never, exit: (c) => exits.push(c), deadlineMs: 100 });
    signals.emit('SIGTERM', 'SIGTERM');
    await tick(50);
    expect(exits).toEqual([]);
    await tick(150);
    expect(exits).toEqual([1]);
    off();
  });

  it('CloseStack closes in reverse order, survives a failing component, and closes once', async () => {
    const order: string[] = [];
    const stack = new CloseStack();
    stack.add('redis', async () => void order.push('redis'));
    stack.add('broken', async () => {
      order.push('broken');
      throw new Error('boom');
    });
    stack.add('worker', { close: async () => void order.push('worker') });
    await Promise.all([stack.close(), stack.close()]);
    await stack.close();
    expect(order).toEqual(['worker', 'broken', 'redis']);
  });
});

describe('a real worker process', () => {
  let env: Env | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await env?.close();
    env = child = undefined;
  });

  function startWorker(e: Env): { exited: Promise<number | null>; stderr: () => string } {
    child = spawn(process.execPath, [BIN, 'worker', 'fetch', '--concurrency', '1', '--lock-ms', '2000'], {
      env: { ...process.env, ...e.childEnv, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    return { exited: new Promise((r) => child!.on('exit', (code) => r(code))), stderr: () => err };
  }

  async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await fn())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await tick(100);
    }
  }

  it('SIGINT with no active job: exits 0 and leaves no worker registered', async () => {
    env = await startEnv({ start: '2026-11-24T10:00', speed: 1, pools: [], scheduler: false });
    const fetchQ = env.rt.queues.queues.fetch;
    const w = startWorker(env);
    await until('the fetch worker', async () => (await fetchQ.getWorkersCount()) === 1);
    child!.kill('SIGINT');
    expect(await w.exited).toBe(0);
    expect(await fetchQ.getWorkersCount()).toBe(0);
  }, 60_000);

  it('SIGTERM waits for the active job; a second signal forces the exit and the job is left to stalled recovery', async () => {
    env = await startEnv({ start: '2026-11-24T10:00', speed: 1, pools: [], scheduler: false });
    const fetchQ = env.rt.queues.queues.fetch;
    const w = startWorker(env);
    await until('the fetch worker', async () => (await fetchQ.getWorkersCount()) === 1);
    // A live minute an hour ahead: its handler waits (on the pipeline clock) for the bar to close.
    const m = addMinutes(floorMinute(toKst(env.sim.clock.now())), 60) as KstTime;
    await env.rt.queues.add('fetch-candles', { code: '005930', family: 'stock', account: 'sim', minute: m }, { jobId: 'candles:005930:hold' });
    await until('the job to be active', async () => (await fetchQ.getActiveCount()) === 1);
    child!.kill('SIGTERM');
    await tick(1_500);
    // Still there: a graceful stop does not abandon an active job.
    expect(child!.exitCode).toBeNull();
    child!.kill('SIGTERM');
    expect(await w.exited).toBe(130);
    expect(w.stderr()).not.toMatch(/appSecret|"appKey"/);
    // Not completed or failed: the job is still active in Redis until a live worker's stalled check takes it back.
    expect(await (await fetchQ.getJob('candles:005930:hold'))!.getState()).toBe('active');
  }, 60_000);
});
