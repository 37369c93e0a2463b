/** A simulated session through the real pipeline: every stored board minute gets a forward, own IVs (never 0) and a surface slice. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseKst, formatKst, type KstTime } from '../../src/time/kst.js';
import { readVolSurface } from '../../src/db/vol-surface.js';
import { type Env, settle, startEnv, untilSim } from '../pipeline/e2e-harness.js';

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('own option analytics end to end', () => {
  it('every board minute of a simulated session has its forward, own IV and greeks, and a surface slice', async () => {
    env = await startEnv({ start: '2026-11-24T08:58:40', speed: 90 });
    await untilSim(env, parseKst('2026-11-24 09:08:00'));
    await settle(env);
    const pool = env.rt.pool;
    const from = formatKst(parseKst('2026-11-24 09:00'));
    const boardMinutes = await pool.query<{ sym: string; t: KstTime; forward: number | null; source: string | null; years: number | null }>(
      `SELECT DISTINCT underlying_symbol AS sym, "timestamp" AS t, forward, greeks_source AS source, years_to_expiry AS years
         FROM option_matrices_101 WHERE "timestamp" >= $1 ORDER BY 1, 2`, [from]);
    for (const q of ['aggregate', 'upsert'] as const) {
      const failed = await env.rt.queues.queues[q].getFailed();
      expect(failed.map((j) => `${j.id}: ${j.failedReason}`), `failed ${q} jobs`).toEqual([]);
    }
    // Board minutes of the monthly and the weekly series (how many depends on the machine's load: a board taken
    // late stands for the newest closed minute), each with its analytics.
    expect(new Set(boardMinutes.rows.map((r) => r.sym)).size).toBeGreaterThanOrEqual(2);
    expect(boardMinutes.rows.length).toBeGreaterThanOrEqual(4);
    for (const m of boardMinutes.rows) {
      expect(m.forward, `${m.sym} ${formatKst(m.t)} matrix forward`).toBeGreaterThan(0);
      expect(m.years).toBeGreaterThan(0);
      expect(m.source).toBe('own');
    }
    const slices = await readVolSurface(pool, { underlying: 'KOSPI200', date: '2026-11-24' as never });
    const sliceAt = new Map(slices.map((s) => [`${s.underlyingSymbol}|${s.time}`, s]));
    for (const m of boardMinutes.rows) {
      const s = sliceAt.get(`${m.sym}|${m.t}`);
      expect(s, `${m.sym} ${formatKst(m.t)}: no vol_surface row`).toBeDefined();
      expect(s!.forwardSource).toBe('parity');
      expect(s!.forward).toBeCloseTo(m.forward!, 9);
      expect(s!.atmIv!).toBeGreaterThan(1);
      expect(s!.svi).not.toBeNull();
      expect(s!.fitRmse!).toBeLessThan(1);
      expect(s!.butterflyArbitrage).toBe(false);
      expect(s!.calendarArbitrage).not.toBeNull();
    }
    // The chain: own IV never 0, null only with a reason; most options have one; KIS's values kept beside ours.
    const chain = await pool.query<{ n: number; own: number; zero: number; unexplained: number; kis: number; fwd: number }>(
      `SELECT count(*)::int AS n, count(own_iv)::int AS own, count(*) FILTER (WHERE own_iv = 0)::int AS zero,
              count(*) FILTER (WHERE own_iv IS NULL AND own_iv_missing_reason IS NULL)::int AS unexplained,
              count(iv)::int AS kis, count(forward)::int AS fwd
         FROM option_chain_raw WHERE "timestamp" >= $1`, [from]);
    const c = chain.rows[0]!;
    expect(c.n).toBeGreaterThan(100);
    expect(c).toMatchObject({ zero: 0, unexplained: 0, fwd: c.n });
    expect(c.own).toBeGreaterThan(0.5 * c.n);
    expect(c.kis).toBeGreaterThan(0);
  }, 120_000);
});
