/**
 * Chaos: the simulator drops every WebSocket every 30 simulated seconds. Each drop is a recorded gap; the
 * records sent outside the gaps are all stored, none twice, nothing stored that was not sent; every REST
 * bar is stored (the gaps' minutes backfilled); every stored tick bar equals its minute's bar (none built from
 * part of a minute a drop touched) and no minute is without a bar. Short form here (a few simulated
 * minutes); CHAOS_FULL=1 runs a simulated half hour.
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

// Fast reconnects (0.1–0.4 real s) with a drop every 30 simulated s; and slow ones (4.5 real s = 4.5 simulated
// minutes) with a drop every 6 simulated minutes: the tick-bar clock closes each dropped minute long before
// its gap is known, the case that stored truncated tick bars.
const CASES = [
  { name: 'drops every 30 s, fast reconnects', faults: 'sim-drop=30s', reconnectMs: undefined, minutes: FULL ? 30 : 5, drops: FULL ? 40 : 5, gaps: 5 },
  { name: 'drops every 6 min, slow reconnects', faults: 'sim-drop=6m', reconnectMs: 4_500, minutes: FULL ? 60 : 14, drops: 2, gaps: 2 },
];

describe.each(CASES)('chaos: WebSocket $name', (c) => {
  it('gaps recorded, bars backfilled, 0 missing / duplicate / wrong', async () => {
    env = await startStreamEnv({ start: '2026-12-03T10:00', speed: 60, faults: c.faults, ...(c.reconnectMs ? { reconnectMs: c.reconnectMs } : {}) });
    const e = env;
    await until(() => (e.svc?.recorder.counters.trades ?? 0) > 0, 'trades recorded', 60_000);
    const from = parseKst('2026-12-03 10:00');
    const end = (floorMinute(simNow(e)) + c.minutes * 60_000) as KstTime;
    await untilSim(e, (end + 60_000) as KstTime);
    const want = e.candleCodes.reduce((n, c) => n + e.sim.market.minuteBars(c, from, end).length, 0);
    const stored = async () => Number((await e.db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM candles_1m WHERE symbol = ANY($1) AND "timestamp" >= $2 AND "timestamp" < $3', [e.candleCodes, formatKst(from), formatKst(end)],
    )).rows[0]!.n);
    for (const stop = Date.now() + 60_000; (await stored()) < want && Date.now() < stop;) await new Promise((r) => setTimeout(r, 200));
    await e.stopStream();
    expect(e.sim.faults.counters.drops).toBeGreaterThanOrEqual(c.drops);
    const gaps = (await recordedGaps(e, from, end)).filter((g) => g.from < end);
    expect(gaps.length, 'a gap per drop').toBeGreaterThanOrEqual(c.gaps);
    const r = await verifyRecords(e, end, gaps);
    // Enough trades to mean something; how many the simulator sends between drops depends on the load.
    expect(r.trades, 'trades sent between the drops').toBeGreaterThan(20);
    // Every REST bar stored, equal to the simulator's (the gaps' minutes backfilled).
    await verifyBars(e, end, gaps, { restOnly: true });
    // Tick bars: a gap is known only once the session is back, after the bar clock may have closed a minute
    // it touched; such a minute must have no tick bar (the REST bar stands in). Every stored one is whole.
    const wrong: string[] = [];
    let tickBars = 0;
    for (const code of e.candleCodes) {
      const sim = new Map(e.sim.market.minuteBars(code, from, end).map((b) => [formatKst(b.time).slice(0, 16), JSON.stringify([b.open, b.high, b.low, b.close, b.volume])]));
      const rows = await e.db.pool.query<{ t: string; open: number; high: number; low: number; close: number; volume: string }>(
        'SELECT "timestamp"::text AS t, open, high, low, close, volume FROM tick_bars_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3', [code, formatKst(from), formatKst(end)],
      );
      tickBars += rows.rows.length;
      for (const x of rows.rows) {
        const got = JSON.stringify([x.open, x.high, x.low, x.close, Number(x.volume)]);
        if (sim.get(x.t.slice(0, 16)) !== got) wrong.push(`${code} ${x.t}: tick bar ${got}, minute ${sim.get(x.t.slice(0, 16)) ?? 'none'}`);
      }
    }
    expect(wrong, 'tick bars differing from their minute').toEqual([]);
    // (A drop every 30 simulated seconds touches every minute: few or no tick bars are whole.)
    const dqBars = await e.db.pool.query('SELECT symbol, "timestamp"::text AS t FROM data_quality_bars');
    expect(dqBars.rows, 'tick bars found differing from REST').toEqual([]);
    // Every minute the exchange printed has a bar: the tick bar or, where none, the REST bar.
    const bare: string[] = [];
    for (const code of e.candleCodes) {
      const have = await e.db.pool.query<{ t: string }>(
        `SELECT "timestamp"::text AS t FROM candles_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3
         UNION SELECT "timestamp"::text FROM tick_bars_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3`, [code, formatKst(from), formatKst(end)],
      );
      const got = new Set(have.rows.map((x) => x.t.slice(0, 16)));
      for (const b of e.sim.market.minuteBars(code, from, end)) if (!got.has(formatKst(b.time).slice(0, 16))) bare.push(`${code} ${formatKst(b.time)}`);
    }
    expect(bare, 'minutes with neither a tick bar nor a REST bar').toEqual([]);
    // The gaps' minutes were handed to REST: data_quality lists them.
    const dq = await e.db.pool.query<{ n: string }>('SELECT coalesce(sum(cardinality(missing_minutes)), 0) AS n FROM data_quality');
    expect(Number(dq.rows[0]!.n)).toBeGreaterThan(0);
    console.log(`${c.name}: drops ${e.sim.faults.counters.drops}, gaps ${gaps.length}, trades ${r.trades}, lost in gaps ${r.lostInGaps}, tick bars ${tickBars} (0 wrong), tick bars deleted by a late gap ${e.svc?.gaps.counters.tickBarsDropped ?? 0}`);
  }, FULL ? 600_000 : 180_000);
});
