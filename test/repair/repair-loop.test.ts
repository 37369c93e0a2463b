import { afterEach, describe, expect, it } from 'vitest';
import { formatKst, parseKst } from '../../src/time/kst.js';
import { candleCodes, candleGaps, eventually, startRepairEnv, type RepairEnv } from './harness.js';

let env: RepairEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('the repair loop in the scheduler process', () => {
  it('refetches stored minutes that disappeared (deleted rows), by itself, and records data_quality and its state', async () => {
    env = await startRepairEnv({ start: '2026-11-24T09:00:30', speed: 60, repair: { intervalMinutes: 1, settleMinutes: 1 } });
    const codes = candleCodes(env, parseKst('2026-11-24 09:01'));
    const first = parseKst('2026-11-24 09:00');
    const last = parseKst('2026-11-24 09:06');
    // First collected as usual (startup recovery, then live), however long a loaded machine takes.
    expect(await eventually(async () => (await candleGaps(env!, codes, first, last)).missing.length === 0, 60_000)).toBe(true);
    // Rows lost after they were stored (an operator's mistake, a restore): no job will ever fetch them again.
    const del = await env.rt.pool.query('DELETE FROM candles_1m WHERE symbol = ANY($1) AND "timestamp" >= $2 AND "timestamp" < $3', [codes, formatKst(parseKst('2026-11-24 09:01')), formatKst(parseKst('2026-11-24 09:06'))]);
    expect(del.rowCount).toBeGreaterThan(5);
    // (The loop may already be refilling them: it runs every simulated minute, one real second here.)
    let gaps = await candleGaps(env, codes, first, last);
    const repaired = await eventually(async () => {
      gaps = await candleGaps(env!, codes, first, last);
      return gaps.missing.length === 0;
    }, 60_000);
    expect(gaps.missing).toEqual([]);
    expect(repaired).toBe(true);
    // data_quality: the round's verify of the session so far; the loop's state for /metrics and /health.
    const dq = await env.rt.pool.query<{ instrument: string }>("SELECT instrument FROM data_quality WHERE trading_date = '2026-11-24'");
    expect(new Set(dq.rows.map((r) => r.instrument))).toEqual(new Set(codes));
    // The rows may be refilled before the round that checked up to 09:06 has written its state: wait for it.
    const stateUpTo = async () => (JSON.parse((await env!.rt.redis.get(env!.rt.services.keys.repairState)) ?? '{}') as { upTo?: string }).upTo ?? '';
    expect(await eventually(async () => (await stateUpTo()) >= '2026-11-24T09:06:00', 30_000)).toBe(true);
  }, 120_000);
});
