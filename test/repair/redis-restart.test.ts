import { afterEach, describe, expect, it } from 'vitest';
import { parseKst } from '../../src/time/kst.js';
import { candleCodes, candleGaps, eventually, simNow, startRepairEnv, untilSim, type RepairEnv } from './harness.js';

let env: RepairEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('Redis restarted empty mid-session', () => {
  it('loses no minute once Redis is back: recovery reads what PostgreSQL has, not Redis marks', async () => {
    env = await startRepairEnv({ start: '2026-11-24T09:00:30', speed: 60 });
    const codes = candleCodes(env, parseKst('2026-11-24 09:01'));
    expect(codes.length).toBe(2);
    await untilSim(env, parseKst('2026-11-24 09:05:10'));
    await env.redis.down();
    // About ten simulated minutes without Redis: nothing can be scheduled, fetched or handed on.
    await untilSim(env, parseKst('2026-11-24 09:15:00'));
    await env.redis.up();
    const outageEnd = simNow(env);
    const last = parseKst('2026-11-24 09:20');
    await untilSim(env, parseKst('2026-11-24 09:22'));
    let gaps = await candleGaps(env, codes, parseKst('2026-11-24 09:00'), last);
    const done = await eventually(async () => {
      gaps = await candleGaps(env!, codes, parseKst('2026-11-24 09:00'), last);
      return gaps.missing.length === 0;
    }, 60_000);
    expect(gaps.missing, `missing after the outage ended at ${outageEnd}`).toEqual([]);
    expect(done).toBe(true);
    expect(gaps.duplicates).toEqual([]);
  }, 150_000);
});
