/**
 * One fault scenario against the running pipeline: collect a few clean minutes, apply the fault, end it, then
 * wait (real time, bounded) until every expected candle of the session so far is stored. Reports what a person
 * checks after an incident: expected / stored / duplicates / wrong values / simulated time to complete after
 * the fault ended, and whether the goal (all there within 2 simulated minutes, no restart, no command) was met.
 */
import { type KstTime, addMinutes, floorMinute, formatKst, toKst } from '../../src/time/kst.js';
import { resolveSubscriptions } from '../../src/pipeline/subscriptions.js';
import { MinuteIndex } from '../../src/pipeline/schedule.js';
import { instrumentRules } from '../../workers/pools.js';
import type { ChaosEnv } from './harness.js';

export const SCENARIO_SUBSCRIPTIONS = [
  { rule: 'front-future', family: 'kospi200' },
  { rule: 'stocks', codes: ['005930', '000660'] },
];
/** The goal: everything stored within this many simulated ms after the fault ends. */
export const GOAL_MS = 2 * 60_000;

export interface Fault {
  name: string;
  /** Simulated ms the fault lasts (ended by `end`, or by itself). */
  start(env: ChaosEnv): Promise<void>;
  end(env: ChaosEnv): Promise<void>;
  durationMs: number;
}

export interface ScenarioResult {
  name: string;
  expected: number;
  stored: number;
  missing: number;
  duplicates: number;
  wrong: number;
  /** Simulated ms from the fault's end until nothing was missing (undefined: never, within the wait). */
  completeAfterMs: number | undefined;
  goalMet: boolean;
}

const simNow = (env: ChaosEnv): KstTime => toKst(env.sim.clock.now());
const realMs = (env: ChaosEnv, simMs: number): number => env.sim.clock.toRealMs(simMs);
const waitSim = (env: ChaosEnv, simMs: number): Promise<void> => new Promise((r) => setTimeout(r, realMs(env, simMs)));

interface Count {
  expected: number;
  stored: number;
  missing: number;
  duplicates: number;
  wrong: number;
}

/** Every candle minute of the subscribed instruments in [first, last], against the simulator's bars. */
export async function countCandles(env: ChaosEnv, first: KstTime, last: KstTime): Promise<Count> {
  const rt = env.rt;
  const index = new MinuteIndex(rt.calendar);
  const resolved = resolveSubscriptions(rt.config.pipeline.subscriptions, rt.calendar.nextSession('derivatives', first).tradingDate, instrumentRules(rt.calendar), 'sim');
  const c: Count = { expected: 0, stored: 0, missing: 0, duplicates: 0, wrong: 0 };
  for (const inst of resolved.candles) {
    const minutes = index.between(inst.products, addMinutes(first, -1), last, inst.expiry);
    const bars = minutes.flatMap((m) => env.sim.market.minuteBars(inst.code, m, addMinutes(m, 1)));
    const rows = await rt.pool.query<{ t: KstTime; open: number; high: number; low: number; close: number; volume: number; n: string }>(
      `SELECT "timestamp" AS t, min(open) AS open, min(high) AS high, min(low) AS low, min(close) AS close, min(volume) AS volume, count(*) AS n
         FROM candles_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" <= $3 GROUP BY 1`,
      [inst.code, formatKst(first), formatKst(last)],
    );
    const stored = new Map(rows.rows.map((r) => [r.t, r]));
    for (const b of bars) {
      c.expected++;
      const r = stored.get(b.time);
      if (!r) {
        c.missing++;
        continue;
      }
      c.stored++;
      if (Number(r.n) > 1) c.duplicates++;
      if (Number(r.open) !== b.open || Number(r.high) !== b.high || Number(r.low) !== b.low || Number(r.close) !== b.close || Number(r.volume) !== b.volume) c.wrong++;
    }
  }
  return c;
}

export async function runScenario(env: ChaosEnv, fault: Fault, o: { cleanMs: number; maxWaitMs: number }): Promise<ScenarioResult> {
  // The minutes collected live in this scenario (the scheduler recovered the earlier ones at start).
  const first = floorMinute(simNow(env));
  await waitSim(env, o.cleanMs);
  await fault.start(env);
  await waitSim(env, fault.durationMs);
  await fault.end(env);
  const endedAt = simNow(env);
  // Minutes that have closed (and been due) by the end of the fault.
  const last = addMinutes(floorMinute(endedAt), -1);
  const deadline = Date.now() + o.maxWaitMs;
  let count = await countCandles(env, first, last);
  let completeAfterMs: number | undefined;
  for (;;) {
    if (count.missing === 0) {
      completeAfterMs = simNow(env) - endedAt;
      break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
    count = await countCandles(env, first, last);
  }
  const goalMet = completeAfterMs !== undefined && completeAfterMs <= GOAL_MS && count.duplicates === 0 && count.wrong === 0;
  return { name: fault.name, ...count, completeAfterMs, goalMet };
}

export function formatResult(r: ScenarioResult): string {
  const after = r.completeAfterMs === undefined ? 'not complete' : `${(r.completeAfterMs / 1000).toFixed(0)} s (simulated)`;
  return `${r.name.padEnd(34)} expected ${r.expected}  stored ${r.stored}  missing ${r.missing}  duplicates ${r.duplicates}  wrong ${r.wrong}  complete after fault: ${after}  goal ${r.goalMet ? 'met' : 'MISSED'}`;
}
