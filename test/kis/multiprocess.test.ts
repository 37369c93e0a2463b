/** Several OS processes on one app key: one token issuance, and the shared rate limit holds under load. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleFor } from '../../src/kis/rate-limit.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { REDIS_URL } from '../helpers/redis.js';
import { startSimClient, type SimClient } from './sim-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/kis-child.ts', import.meta.url));

function runChild(env: Record<string, string>): Promise<Record<string, number | string>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 40_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | string>);
      } catch {
        reject(new Error(`child printed no JSON: ${out} ${err}`));
      }
    });
  });
}

let h: SimClient;
beforeAll(async () => {
  h = await startSimClient();
});
afterAll(() => h?.close());

const baseEnv = (): Record<string, string> => ({
  SIM_URL: h.sim.restUrl, APP_KEY: h.sim.appKey, APP_SECRET: h.sim.appSecret, REDIS_URL, PREFIX: h.prefix,
  [CLOCK_ENV]: JSON.stringify(h.sim.clock.spec()),
});

describe('several processes, one app key', () => {
  it('two processes asking at the same moment share one issued token', async () => {
    const START_AT = String(Date.now() + 2_500);
    const [a, b] = await Promise.all([runChild({ ...baseEnv(), MODE: 'token', START_AT }), runChild({ ...baseEnv(), MODE: 'token', START_AT })]);
    expect(a!.token).toBe(b!.token);
    expect(Number(a!.issued) + Number(b!.issued)).toBe(1);
    expect(Number(a!.throttled) + Number(b!.throttled)).toBe(0);
    // Nobody waited out an EGW00133 minute.
    expect(Math.max(Number(a!.ms), Number(b!.ms))).toBeLessThan(5_000);
  });

  it('three processes hammering for 3 s reach ≥ 95 % of the limit and never get EGW00201', async () => {
    const START_AT = String(Date.now() + 4_000);
    // Headroom 0.8 → 16/s sustained with a burst of 4, never more than 20 in any second. The simulator
    // counts arrivals in this (shared, 2-core) test process: a stall there bunches arrivals, and the
    // spare calls absorb up to 4 × 62.5 = 250 ms of it (0.9 absorbs only ~110 ms). The child processes
    // warm up (connection, token, Lua script, compiled code paths) before START_AT.
    const headroom = 0.8;
    const env = { ...baseEnv(), MODE: 'hammer', START_AT, DURATION_MS: '3000', CONCURRENCY: '8', HEADROOM: String(headroom) };
    const results = await Promise.all([runChild(env), runChild(env), runChild(env)]);
    const sum = (k: string): number => results.reduce((s, r) => s + Number(r[k]), 0);
    expect(sum('rateLimited')).toBe(0);
    expect(h.sim.rateLimitRejections(h.sim.appKey)).toBe(0);
    expect(sum('other')).toBe(0);
    const rule = ruleFor(20, headroom);
    const first = Math.min(...results.map((r) => Number(r.first)));
    const last = Math.max(...results.map((r) => Number(r.last)));
    // The burst goes out at `first`; every later call is spaced by the limiter.
    const achieved = (sum('ok') - rule.burst) / ((last - first) / 1000);
    const limit = 1000 / rule.intervalMs;
    console.log(`rate limit under load: ${sum('ok')} calls, ${achieved.toFixed(2)}/s achieved, configured limit ${limit.toFixed(2)}/s (KIS: 20/s)`);
    expect(achieved).toBeGreaterThanOrEqual(0.95 * limit);
    expect(achieved).toBeLessThanOrEqual(20);
  });
});
