/**
 * Chaos: the simulator drops every WebSocket every 30 simulated seconds. Each drop is a recorded gap; the
 * records sent outside the gaps are all stored, none twice, nothing stored that was not sent; every REST
 * bar is stored (the gaps' minutes backfilled). (Tick bars of minutes a gap touched: see the note below.) Short form here (a few simulated minutes); CHAOS_FULL=1 runs a simulated half hour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type KstTime, floorMinute, formatKst, parseKst } from '../../src/time/kst.js';
import { type StreamEnv, simNow, startStreamEnv, untilSim } from '../stream/acceptance-harness.js';
import { recordedGaps, verifyBars, verifyRecords } from '../stream/acceptance-verify.js';
import { until } from '../stream/children.js';

const FULL = process.env.CHAOS_FULL === '1';
let env: StreamEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('chaos: WebSocket drops every 30 s', () => {
  it('gaps recorded, bars backfilled, 0 missing / duplicate / wrong', async () => {
    env = await startStreamEnv({ start: '2026-12-03T10:00', speed: 60, faults: 'sim-drop=30s' });
    const e = env;
    await until(() => (e.svc?.recorder.counters.trades ?? 0) > 0, 'trades recorded', 60_000);
    const from = parseKst('2026-12-03 10:00');
    const end = (floorMinute(simNow(e)) + (FULL ? 30 : 5) * 60_000) as KstTime;
    await untilSim(e, (end + 60_000) as KstTime);
    const want = e.candleCodes.reduce((n, c) => n + e.sim.market.minuteBars(c, from, end).length, 0);
    const stored = async () => Number((await e.db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM candles_1m WHERE symbol = ANY($1) AND "timestamp" >= $2 AND "timestamp" < $3', [e.candleCodes, formatKst(from), formatKst(end)],
    )).rows[0]!.n);
    for (const stop = Date.now() + 60_000; (await stored()) < want && Date.now() < stop;) await new Promise((r) => setTimeout(r, 200));
    await e.stopStream();
    expect(e.sim.faults.counters.drops).toBeGreaterThanOrEqual(FULL ? 40 : 5);
    const gaps = (await recordedGaps(e, from, end)).filter((g) => g.from < end);
    expect(gaps.length, 'a gap per drop').toBeGreaterThanOrEqual(5);
    const r = await verifyRecords(e, end, gaps);
    expect(r.trades, 'trades sent between the drops').toBeGreaterThan(100);
    // Every REST bar stored, equal to the simulator's (the gaps' minutes backfilled). Tick bars are NOT
    // checked here: a gap is known only once the session is back, and a minute it touched may already have
    // closed with a truncated tick bar, stored (and compared: data_quality_bars) — a known open issue.
    await verifyBars(e, end, gaps, { restOnly: true });
    // The gaps' minutes were handed to REST: data_quality lists them.
    const dq = await e.db.pool.query<{ n: string }>('SELECT coalesce(sum(cardinality(missing_minutes)), 0) AS n FROM data_quality');
    expect(Number(dq.rows[0]!.n)).toBeGreaterThan(0);
    console.log(`drops ${e.sim.faults.counters.drops}, gaps ${gaps.length}, trades ${r.trades}, lost in gaps ${r.lostInGaps}`);
  }, FULL ? 600_000 : 180_000);
});
