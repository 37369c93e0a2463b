import { afterEach, describe, expect, it } from 'vitest';
import { type KstTime, formatKst, parseKst } from '../../src/time/kst.js';
import { type Env, deadlineMs, incompleteBatches, settle, simNow, startEnv, untilSim, verifyStored } from './e2e-harness.js';

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('pipeline end to end against the simulator', () => {
  it('a simulated half hour of stocks, futures and option boards: every candle once, matrices every minute, one strategy run per batch', async () => {
    // Start before 09:00 so the first token, connections and tables are made before the stocks open.
    env = await startEnv({ start: '2026-11-24T08:58:40', speed: 90 });
    await untilSim(env, parseKst('2026-11-24 09:30:00'));
    const last = await settle(env);
    const v = await verifyStored(env, parseKst('2026-11-24 09:00'), last);
    expect(v.batches).toBeGreaterThanOrEqual(28);
    expect(v.candleMinutes).toBeGreaterThan(3 * 28);
    expect(v.boards).toBeGreaterThanOrEqual(2 * 28);
    // Minutes that were already late when the pipeline started run at once, possibly incomplete (by design);
    // from then on every batch waits for all its candles.
    expect(await incompleteBatches(env, parseKst('2026-11-24 09:02'), last)).toEqual([]);
  }, 120_000);

  it('the night session: candles dated and stored like the day session', async () => {
    env = await startEnv({ start: '2026-11-24T17:59:30', speed: 90 });
    await untilSim(env, parseKst('2026-11-24 18:12:00'));
    const last = await settle(env);
    const v = await verifyStored(env, parseKst('2026-11-24 18:00'), last);
    expect(v.batches).toBeGreaterThanOrEqual(10);
    // Night candles belong to the next trading date.
    const r = await env.rt.pool.query<{ d: string }>(`SELECT DISTINCT trading_date::text AS d FROM candles_1m WHERE "timestamp" >= '2026-11-24 18:00'`);
    expect(r.rows.map((x) => x.d)).toEqual(['2026-11-25']);
  }, 90_000);

  it('the night close: the 06:00 closing-call candle of every future is collected live, then the queues pause', async () => {
    env = await startEnv({ start: '2026-11-25T05:44:00', speed: 90 });
    // The first tick after the 06:00 batch's deadline finds no session until 08:45 and pauses the live queues.
    const pauseBy = parseKst('2026-11-25 06:01') + deadlineMs(env) + 2 * 60_000 + 60_000;
    while (!(await env.rt.queues.queues.fetch.isPaused()) && simNow(env) < pauseBy) await new Promise((r) => setTimeout(r, 50));
    expect(await env.rt.queues.queues.fetch.isPaused()).toBe(true);
    expect(simNow(env)).toBeLessThan(pauseBy);
    expect(simNow(env)).toBeLessThan(parseKst('2026-11-25 08:45'));
    const last = await settle(env);
    expect(last).toBe(parseKst('2026-11-25 06:00'));
    const v = await verifyStored(env, parseKst('2026-11-25 05:45'), last);
    // 05:45–05:49 continuous trading, then the closing call's single 06:00 candle (no 05:50–05:59 candles).
    expect(v.batches).toBe(6);
    const r = await env.rt.pool.query<{ symbol: string; t: KstTime; d: string }>(
      `SELECT symbol, "timestamp" AS t, trading_date::text AS d FROM candles_1m WHERE "timestamp" >= '2026-11-25 05:50' ORDER BY 1`,
    );
    const futures = env.rt.config.pipeline.subscriptions.filter((s) => s.rule === 'front-future').length;
    expect(r.rows).toHaveLength(futures);
    for (const row of r.rows) expect({ t: formatKst(row.t), d: row.d }).toEqual({ t: formatKst(parseKst('2026-11-25 06:00')), d: '2026-11-25' });
  }, 90_000);
});
