/**
 * Missing option values end to end: KIS's "none" (IV and greeks 0, an untraded strike showing its base
 * price, an empty bid) goes through fetch → aggregate → upsert, over the simulator's sockets, into
 * PostgreSQL as NULL with the reason, never as 0; `underlying_price` is the index level of the board's moment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { type KstDate, type KstTime, addMinutes, floorMinute, toKst } from '../../src/time/kst.js';
import { latestMatrices, readOptionChain } from '../../src/db/readers.js';
import { QUEUE_NAMES } from '../../jobs/catalog.js';
import type { SimOptionBoard } from '../../src/sim/market/types.js';
import { type Env, startEnv } from './e2e-harness.js';

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const EXPIRY = '2026-12-10' as KstDate;
const SYMBOL = 'KOSPI200:20261210';

/**
 * The simulated market trades every strike; real boards have strikes nothing traded yet. Turn the call two
 * strikes above the money into one as KIS shows it: volume 0, the base price as current price, no bid,
 * IV and greeks not computed (all 0).
 */
function withUntradedStrike(env: Env): { code: () => string | undefined; unsolved: () => string | undefined; levels: Set<string> } {
  const market = env.sim.market;
  const board = market.optionBoard.bind(market);
  const level = market.indexLevel.bind(market);
  let code: string | undefined;
  let unsolved: string | undefined;
  const levels = new Set<string>();
  market.indexLevel = (u, at) => {
    const v = level(u, at);
    levels.add(v.toFixed(2));
    return v;
  };
  market.optionBoard = (...args): SimOptionBoard => {
    const b = board(...args);
    const row = b.calls[b.calls.findIndex((r) => r.atm === 'ATM') - 2]!;
    code = row.instrument.code;
    const s = row.snapshot;
    row.snapshot = { ...s, last: s.prevClose, open: 0, high: 0, low: 0, cumVolume: 0, cumValue: 0 };
    row.bid = 0;
    row.greeks = { iv: 0, delta: 0, gamma: 0, theta: 0, vega: 0, rho: 0 };
    // And the deepest in-the-money put traded, but with IV 0.0000 beside computed greeks, as KIS shows it.
    const deep = b.puts[0]!;
    unsolved = deep.instrument.code;
    deep.greeks = { ...deep.greeks, iv: 0 };
    return b;
  };
  return { code: () => code, unsolved: () => unsolved, levels };
}

async function failedJobs(env: Env): Promise<string[]> {
  const out: string[] = [];
  for (const q of QUEUE_NAMES) out.push(...(await env.rt.queues.queues[q].getFailed()).map((j: Job) => `${q} ${j.id}: ${j.failedReason}`));
  return out;
}

async function untilMatrices(env: Env, minute: KstTime, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = await latestMatrices(env.rt.pool, '101', SYMBOL, { at: minute });
    if (m.iv?.time === minute) return;
    const failed = await failedJobs(env);
    if (failed.length || Date.now() > until) throw new Error(`no matrices for ${SYMBOL}: ${failed.join('; ') || 'timed out'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('option board: missing values', () => {
  it("KIS's zeros for 'none' are stored as NULL with the IV's reason; underlying_price is the index level", async () => {
    env = await startEnv({ start: '2026-11-24T10:30', speed: 1, scheduler: false, pools: ['fetch', 'aggregate', 'upsert'] });
    const untraded = withUntradedStrike(env);
    const minute = addMinutes(floorMinute(toKst(env.sim.clock.now())), -1);
    await env.rt.queues.add(
      'fetch-board',
      { boardKey: 'KOSPI200-monthly', underlying: 'KOSPI200', series: 'monthly', expiry: EXPIRY, account: 'sim', minute },
      { jobId: 'test-board-missing' },
    );
    await untilMatrices(env, minute);

    const chain = await readOptionChain(env.rt.pool, { underlyingSymbol: SYMBOL, time: minute });
    expect(chain.length).toBeGreaterThan(100);
    const row = chain.find((r) => r.code === untraded.code());
    expect(row).toMatchObject({ price: null, bid: null, iv: null, ivMissingReason: 'no_trade', delta: null, gamma: null, theta: null, vega: null, volume: 0 });
    expect(row!.ask).toBeGreaterThan(0);
    // IV 0.0000 beside computed greeks (KIS, and the simulator where its solver fails): the IV is none, the greeks stay.
    const unsolved = chain.filter((r) => r.iv === null && r.code !== row!.code);
    expect(unsolved.map((r) => r.code)).toContain(untraded.unsolved());
    for (const r of unsolved) {
      expect(r.price).toBeGreaterThan(0);
      expect(r.ivMissingReason).toMatch(/^(below_intrinsic|not_computed)$/);
      expect(r.delta).not.toBeNull();
    }
    const zeros = await env.rt.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM option_chain_raw WHERE iv = 0 OR price = 0 OR bid = 0 OR ask = 0 OR (iv IS NULL) <> (iv_missing_reason IS NOT NULL)',
    );
    expect(zeros.rows[0]!.n).toBe(0);

    // One index level for the snapshot, the one the simulator served.
    const levels = new Set(chain.map((r) => r.underlyingPrice));
    expect(levels.size).toBe(1);
    const level = [...levels][0]!;
    expect(level).toBeGreaterThan(0);
    expect(untraded.levels.has(level.toFixed(2))).toBe(true);

    // Matrices: the untraded strike's cells are NULL (volume is a real 0); no IV or price cell is 0.
    const m = await latestMatrices(env.rt.pool, '101', SYMBOL, { at: minute });
    const col = Math.round((row!.strike - m.iv!.atmStrike) / m.iv!.strikeStep) + (m.iv!.calls.length - 1) / 2;
    expect(col).toBeGreaterThanOrEqual(0);
    expect(col).toBeLessThan(m.iv!.calls.length);
    for (const metric of ['iv', 'price', 'delta', 'gamma', 'theta', 'vega'] as const) expect(m[metric]!.calls[col], metric).toBeNull();
    expect(m.volume!.calls[col]).toBe(0);
    for (const metric of ['iv', 'price'] as const) expect([...m[metric]!.calls, ...m[metric]!.puts].filter((v) => v === 0), metric).toEqual([]);
    expect(m.iv!.calls.filter((v) => v !== null).length).toBeGreaterThan(5);
  }, 120_000);
});
